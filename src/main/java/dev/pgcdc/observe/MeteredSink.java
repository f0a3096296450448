package dev.pgcdc.observe;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Position;
import dev.pgcdc.observe.web.LiveFeed;
import dev.pgcdc.sink.Sink;

import java.util.function.Consumer;

/**
 * Counts what goes through a sink and how long after its commit Kafka acknowledged it, and shows acknowledged
 * changes to the live view (as many as a page can show, see {@link LiveFeed#showNext}); changes nothing. In front
 * of a transactional sink, see {@link MeteredTransactionalSink}: there a change counts once its transaction commits.
 */
public final class MeteredSink implements Sink {

    private final Sink delegate;
    private final CaptureMetrics metrics;
    private final LiveFeed live;
    private final Consumer<Runnable> acknowledged;

    public MeteredSink(Sink delegate, CaptureMetrics metrics, LiveFeed live) {
        this(delegate, metrics, live, Runnable::run);
    }

    /**
     * @param acknowledged given, from Kafka's callback thread, what counts a change as published once Kafka
     *                     acknowledged it: runs it at once, or holds it until its transaction commits
     */
    MeteredSink(Sink delegate, CaptureMetrics metrics, LiveFeed live, Consumer<Runnable> acknowledged) {
        this.delegate = delegate;
        this.metrics = metrics;
        this.live = live;
        this.acknowledged = acknowledged;
    }

    @Override
    public void send(ChangeEvent event, DeliveryCallback callback) {
        EnvelopeFacts facts = EnvelopeFacts.of(event.topic(), event.value());
        CaptureMetrics.TableCounters counters = metrics.counters(facts);
        counters.captured().increment();
        Position position = event.position();
        // The callback keeps the change itself only when the live view is to show it: see LiveFeed.showNext.
        ChangeEvent shown = live.showNext(System.currentTimeMillis()) ? event : null;
        delegate.send(event, failure -> {
            if (failure == null) {
                acknowledged.accept(() -> {
                    long now = System.currentTimeMillis();
                    metrics.published(facts, counters, position, now);
                    if (shown != null) {
                        live.seen(shown.topic(), shown.key(), shown.value(), facts.commitMillis(), now);
                    } else {
                        live.counted(facts.commitMillis(), now);
                    }
                });
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
