package dev.pgcdc.source.logical;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.sink.Sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real Kafka sink with two gates a test closes to force a schedule: {@link #holdAcknowledgements} keeps
 * Kafka's acknowledgements from the pipeline until released (a slow partition), {@link #blockSends} makes
 * {@code send} block as it does on a full producer buffer or a broker that is gone.
 */
final class GatedSink implements Sink {

    private final Sink delegate;
    private final AtomicInteger sent = new AtomicInteger();
    private final List<Runnable> heldAcknowledgements = new ArrayList<>();
    private boolean holding;
    private volatile CountDownLatch sendGate = new CountDownLatch(0);

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

    void blockSends() {
        sendGate = new CountDownLatch(1);
    }

    void unblockSends() {
        sendGate.countDown();
    }

    @Override
    public void send(ChangeEvent event, DeliveryCallback callback) {
        sent.incrementAndGet();
        try {
            sendGate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        unblockSends();
        releaseAcknowledgements();
        delegate.close();
    }
}
