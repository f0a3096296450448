package dev.pgcdc.sink;

import dev.pgcdc.event.ChangeEvent;

/** Where changes go. {@link #send} is called from one thread; callbacks may arrive on another. */
public interface Sink extends AutoCloseable {

    /**
     * Hands a change over for delivery. {@code callback} runs exactly once: with null once the change is
     * durably accepted, or with the failure once delivery has finally failed. May block while the sink's
     * buffer is full (backpressure).
     */
    void send(ChangeEvent event, DeliveryCallback callback);

    /** Blocks until every change handed over so far has been acknowledged or has failed. */
    void flush();

    /** Safe to call twice. */
    @Override
    void close();

    /** Told the outcome of one {@link #send}. */
    @FunctionalInterface
    interface DeliveryCallback {
        void completed(Exception failure);
    }
}
