package dev.pgcdc.source.logical;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.sink.Sink;

import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real Kafka sink with gates a test closes to force a schedule: {@link #holdAcknowledgements} keeps
 * Kafka's acknowledgements from the pipeline until released (a slow partition); {@link #pauseAtSend} keeps
 * the pipeline thread inside one send until {@link #resume}.
 */
final class GatedSink implements Sink {

    private final Sink delegate;
    private final AtomicInteger sent = new AtomicInteger();
    private final List<Runnable> heldAcknowledgements = new ArrayList<>();
    private boolean holding;
    private final CountDownLatch paused = new CountDownLatch(1);
    private final CountDownLatch resumed = new CountDownLatch(1);
    private volatile int pauseAt;

    GatedSink(Sink delegate) {
        this.delegate = delegate;
    }

    /** Changes handed to {@link #send} so far (including one blocked in it). */
    int sent() {
        return sent.get();
    }

    /** The pipeline thread will wait inside the {@code n}th send (counting from 1) until {@link #resume}. */
    void pauseAtSend(int n) {
        pauseAt = n;
    }

    /** Whether the pipeline thread came to wait in the send {@link #pauseAtSend} named within {@code timeout}. */
    boolean awaitPaused(Duration timeout) throws InterruptedException {
        return paused.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void resume() {
        resumed.countDown();
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
        if (sent.incrementAndGet() == pauseAt) {
            paused.countDown();
            try {
                resumed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
        resume();
        releaseAcknowledgements();
        delegate.close();
    }
}
