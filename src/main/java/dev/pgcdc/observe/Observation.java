package dev.pgcdc.observe;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.observe.web.LiveFeed;
import dev.pgcdc.sink.Sink;
import dev.pgcdc.sink.TransactionalSink;
import dev.pgcdc.sink.kafka.KafkaHealth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Everything {@code capture --metrics-port} adds, started and stopped together: the metrics, the sink that
 * feeds them, the probe of the source database, and the HTTP port serving metrics and health.
 */
public final class Observation implements AutoCloseable {

    static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);

    private final Sink sink;
    private final SourceProbe probe;
    private final ObserveServer server;

    private Observation(Sink sink, SourceProbe probe, ObserveServer server) {
        this.sink = sink;
        this.probe = probe;
        this.server = server;
    }

    /**
     * @param slot            the logical capture's slot; null in the other modes
     * @param kafka           the Kafka sink, at least once or transactional (then changes count at commit)
     * @param captureRunning  whether the capture thread still runs
     */
    public static <S extends Sink & KafkaHealth> Observation start(int port, DatabaseConfig database, SourceProbe.Kind kind, String slot, S kafka,
                                    BooleanSupplier captureRunning) {
        CaptureMetrics metrics = new CaptureMetrics();
        metrics.kafkaRetries(kafka::retries);
        SourceProbe probe = new SourceProbe(database, kind, slot, metrics, PROBE_INTERVAL);
        LiveFeed live = new LiveFeed();
        try {
            ObserveServer server = ObserveServer.start(port, metrics, live, "capture " + database.redactedUrl(), captureRunning, () -> {
                List<String> missing = new ArrayList<>();
                if (!captureRunning.getAsBoolean()) {
                    missing.add("capture stopped");
                }
                if (!probe.reachable()) {
                    missing.add("PostgreSQL unreachable");
                } else if (!probe.streaming()) {
                    missing.add("not streaming from PostgreSQL");
                }
                if (kafka.inOutage()) {
                    missing.add("Kafka unreachable");
                }
                return missing;
            });
            return new Observation(kafka instanceof TransactionalSink transactions ? new MeteredTransactionalSink(transactions, metrics, live)
                    : new MeteredSink(kafka, metrics, live), probe, server);
        } catch (RuntimeException e) {
            probe.close();
            throw e;
        }
    }

    /** The sink capture sends through, so every change is counted. */
    public Sink sink() {
        return sink;
    }

    /**
     * With a transactional Kafka sink, the sink capture sends through and commits with: a change counts when
     * its transaction commits.
     */
    public TransactionalSink transactions() {
        if (sink instanceof TransactionalSink transactions) {
            return transactions;
        }
        throw new IllegalStateException("observing a Kafka sink without transactions");
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        probe.close();
    }
}
