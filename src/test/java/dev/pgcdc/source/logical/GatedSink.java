package dev.pgcdc.source.logical;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.sink.Sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real Kafka sink with a gate a test closes to force a schedule: {@link #holdAcknowledgements} keeps
 * Kafka's acknowledgements from the pipeline until released (a slow partition).
 */
final class GatedSink implements Sink {

    private final Sink delegate;
    private final AtomicInteger sent = new AtomicInteger();
    private final List<Runnable> heldAcknowledgements = new ArrayList<>();
    private boolean holding;

    GatedSink(Sink delegate) {
        this.delegate = delegate;
    }

    /** Changes handed to {@link #send} so far (including one blocked in it). */
    int sent() {
        return sent.get();
    }

    synchronized void holdAcknowledgements() {
        holding = true;
    }

    /** Passes on the held acknowledgements, in the order Kafka gave them, and stops holding. */
    void releaseAcknowledgements() {
        List<Runnable> release;
        synchronized (this) {
            holding = false;
            release = new ArrayList<>(heldAcknowledgements);
            heldAcknowledgements.clear();
        }
        release.forEach(Runnable::run);
    }

    @Override
    public void send(ChangeEvent event, DeliveryCallback callback) {
        sent.incrementAndGet();
        delegate.send(event, failure -> {
            synchronized (this) {
                if (holding) {
                    heldAcknowledgements.add(() -> callback.completed(failure));
                    return;
                }
            }
            callback.completed(failure);
        });
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public void close() {
        releaseAcknowledgements();
        delegate.close();
    }
}
