package dev.pgcdc.observe;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.observe.web.LiveFeed;
import dev.pgcdc.sink.Sink;

/**
 * Counts what goes through a sink and how long after its commit Kafka acknowledged it, and shows each
 * acknowledged change to the live view; changes nothing.
 */
public final class MeteredSink implements Sink {

    private final Sink delegate;
    private final CaptureMetrics metrics;
    private final LiveFeed live;

    public MeteredSink(Sink delegate, CaptureMetrics metrics, LiveFeed live) {
        this.delegate = delegate;
        this.metrics = metrics;
        this.live = live;
    }

    @Override
    public void send(ChangeEvent event, DeliveryCallback callback) {
        EnvelopeFacts facts = EnvelopeFacts.of(event.topic(), event.value());
        CaptureMetrics.TableCounters counters = metrics.counters(facts);
        counters.captured().increment();
        delegate.send(event, failure -> {
            if (failure == null) {
                long now = System.currentTimeMillis();
                metrics.published(facts, counters, event.position(), now);
                live.seen(event.topic(), event.key(), event.value(), facts.commitMillis(), now);
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
