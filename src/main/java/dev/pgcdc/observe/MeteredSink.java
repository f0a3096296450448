package dev.pgcdc.observe;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.sink.Sink;

/** Counts what goes through a sink and how long after its commit Kafka acknowledged it; changes nothing. */
public final class MeteredSink implements Sink {

    private final Sink delegate;
    private final CaptureMetrics metrics;

    public MeteredSink(Sink delegate, CaptureMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public void send(ChangeEvent event, DeliveryCallback callback) {
        EnvelopeFacts facts = EnvelopeFacts.of(event.topic(), event.value());
        CaptureMetrics.TableCounters counters = metrics.counters(facts);
        counters.captured().increment();
        delegate.send(event, failure -> {
            if (failure == null) {
                metrics.published(facts, counters, event.position(), System.currentTimeMillis());
            } else {
                metrics.sendFailed();
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
        delegate.close();
    }
}
