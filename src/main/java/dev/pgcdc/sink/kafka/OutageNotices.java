package dev.pgcdc.sink.kafka;

import org.apache.kafka.clients.producer.Producer;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Tells the user when a producer's Kafka goes silent and when it is back ({@link OutageWatch} decides),
 * checking once a second on a thread of its own, so the notice comes even while the capture thread is
 * blocked on Kafka. Shared by the at-least-once and the transactional sink.
 */
final class OutageNotices implements KafkaHealth, AutoCloseable {

    /** How long held changes may go unacknowledged before the outage is said. */
    static final Duration THRESHOLD = Duration.ofSeconds(5);

    private final OutageWatch watch;
    private final Producer<?, ?> producer;
    private final Consumer<String> notices;
    private final ScheduledExecutorService watcher;

    OutageNotices(String servers, Producer<?, ?> producer, Consumer<String> notices) {
        this.watch = new OutageWatch(servers, THRESHOLD);
        this.producer = producer;
        this.notices = notices;
        this.watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pgcdc-kafka-watch");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    void sent() {
        watch.sent(System.nanoTime());
    }

    /** One change is settled: acknowledged, or failed (also when the send itself threw). */
    void settled(boolean acknowledged) {
        String back = watch.settled(System.nanoTime(), acknowledged);
        if (back != null) {
            notices.accept(back);
        }
    }

    @Override
    public long held() {
        return watch.held();
    }

    @Override
    public boolean inOutage() {
        return watch.inOutage();
    }

    @Override
    public double retries() {
        return producerMetric("record-retry-total");
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }

    private void check() {
        String notice = watch.check(System.nanoTime(), Instant.now(), producerMetric("connection-count") > 0);
        if (notice != null) {
            notices.accept(notice);
        }
    }

    private double producerMetric(String name) {
        for (var metric : producer.metrics().entrySet()) {
            if (metric.getKey().name().equals(name) && metric.getKey().group().equals("producer-metrics")
                    && metric.getValue().metricValue() instanceof Number value) {
                return value.doubleValue();
            }
        }
        return 0;
    }
}
