package dev.pgcdc.observe;

import dev.pgcdc.event.Position;
import dev.pgcdc.source.logical.Lsn;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

/**
 * The capture's metrics, in Prometheus naming ({@code pgcdc_…_total}, base units), scraped from
 * {@code /metrics}. Per-table counters are created on first use, so only tables that changed appear.
 */
public final class CaptureMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Both counters of a table and op, found with one lookup per event and no key text built. */
    record TableCounters(Counter captured, Counter published) {
    }

    private record TableOp(String table, String op) {
    }

    private final Map<TableOp, TableCounters> counters = new ConcurrentHashMap<>();
    private final Counter sendErrors;
    private final Timer lag;
    private final AtomicLong lastEventMillis = new AtomicLong(System.currentTimeMillis());
    private final AtomicReference<Position> acknowledged = new AtomicReference<>();
    private final AtomicLong retainedWalBytes = new AtomicLong(-1);
    private final AtomicLong journalBacklogRows = new AtomicLong(-1);

    public CaptureMetrics() {
        sendErrors = Counter.builder("pgcdc.kafka.send.errors").description("Changes Kafka finally failed or refused to take")
                .register(registry);
        lag = Timer.builder("pgcdc.end.to.end.lag")
                .description("From the change's commit in PostgreSQL to Kafka's acknowledgement (with --exactly-once: commit)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        Gauge.builder("pgcdc.seconds.since.last.event", lastEventMillis, last -> (System.currentTimeMillis() - last.get()) / 1000.0)
                .description("Seconds since Kafka acknowledged the last change (or since start)").register(registry);
        Gauge.builder("pgcdc.source.position", acknowledged, CaptureMetrics::positionNumber)
                .description("logical: the LSN (as a number) of the newest change Kafka acknowledged").register(registry);
        Gauge.builder("pgcdc.slot.retained.wal", retainedWalBytes, CaptureMetrics::knownOrNaN).baseUnit("bytes")
                .description("logical: WAL the replication slot keeps on the server").register(registry);
        Gauge.builder("pgcdc.journal.backlog", journalBacklogRows, CaptureMetrics::knownOrNaN).baseUnit("rows")
                .description("trigger: changes waiting in pgcdc.journal").register(registry);
    }

    /** Kafka's own retry count, read when scraped. */
    public void kafkaRetries(DoubleSupplier retries) {
        FunctionCounter.builder("pgcdc.kafka.send.retries", retries, DoubleSupplier::getAsDouble)
                .description("Sends the Kafka producer retried").register(registry);
    }

    /** The counters of the change's table and op, created on first use. */
    TableCounters counters(EnvelopeFacts facts) {
        return counters.computeIfAbsent(new TableOp(facts.table(), facts.op()), key -> new TableCounters(
                counter("pgcdc.changes.captured", "Changes handed to Kafka", key),
                counter("pgcdc.changes.published", "Changes Kafka acknowledged (with --exactly-once: committed)", key)));
    }

    void published(EnvelopeFacts facts, TableCounters tableCounters, Position position, long nowMillis) {
        tableCounters.published().increment();
        if (facts.commitMillis() > 0) {
            lag.record(Math.max(0, nowMillis - facts.commitMillis()), TimeUnit.MILLISECONDS);
        }
        lastEventMillis.set(nowMillis);
        if (position != null) {
            acknowledged.set(position);
        }
    }

    void sendFailed() {
        sendErrors.increment();
    }

    void retainedWalBytes(long bytes) {
        retainedWalBytes.set(bytes);
    }

    void journalBacklogRows(long rows) {
        journalBacklogRows.set(rows);
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    private Counter counter(String name, String description, TableOp key) {
        return Counter.builder(name).description(description).tag("table", key.table()).tag("op", key.op()).register(registry);
    }

    private static double positionNumber(AtomicReference<Position> position) {
        return position.get() instanceof Lsn lsn ? lsn.value() : Double.NaN;
    }

    private static double knownOrNaN(AtomicLong value) {
        long known = value.get();
        return known < 0 ? Double.NaN : known;
    }
}
