package dev.pgcdc.cli;

import dev.pgcdc.config.BadRecordPolicy;
import dev.pgcdc.config.ChangeRulesConfig;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ValueFormat;
import dev.pgcdc.observe.Observation;
import dev.pgcdc.observe.SourceProbe;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.schema.ConnectFormattingSink;
import dev.pgcdc.sink.Sink;
import dev.pgcdc.sink.TransactionalSink;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaHealth;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.sink.kafka.OffsetsTopic;
import dev.pgcdc.sink.kafka.TransactionalKafkaSink;
import dev.pgcdc.source.Source;
import dev.pgcdc.transform.RuleSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Kafka side of {@code pgcdc capture}: the cluster checks, the sink and what wraps it (rules, formats,
 * metrics), and the started {@link Capture}. Kafka and PostgreSQL are independent until changes flow, so their
 * start-up round trips overlap: the cluster check runs while the plan reads the database, and the producer
 * starts while the source opens. The source opens only once a broker has answered, so an unreachable Kafka
 * never leaves a new slot behind; when both sides fail, the database's error is the one reported, as before.
 */
final class CaptureWiring {

    private static final Logger log = LoggerFactory.getLogger(CaptureWiring.class);

    private final CaptureCommand command;
    private final DatabaseConfig databaseConfig;
    private final KafkaConfig kafkaConfig;
    private final Duration timeout;
    private final ChangeRulesConfig rules;
    private final ValueFormat keys;
    private final ValueFormat values;

    /** A started capture, its Kafka sink's health, its source, and the metrics server when --metrics-port asks for one. */
    record Started(Capture capture, KafkaHealth kafka, Source source, Observation observation) {
    }

    CaptureWiring(CaptureCommand command, DatabaseConfig databaseConfig, KafkaConfig kafkaConfig, Duration timeout,
                  ChangeRulesConfig rules, ValueFormat keys, ValueFormat values) {
        this.command = command;
        this.databaseConfig = databaseConfig;
        this.kafkaConfig = kafkaConfig;
        this.timeout = timeout;
        this.rules = rules;
        this.keys = keys;
        this.values = values;
    }

    /** Starts checking that a broker answers, on a thread of its own; the caller joins it with {@link #await}. */
    static CompletableFuture<KafkaClusterCheck> checkClusterInBackground(KafkaConfig kafkaConfig, Duration timeout) {
        return inBackground(() -> KafkaClusterCheck.connect(kafkaConfig, timeout));
    }

    /**
     * Creates the plan's missing topics (and their dead-letter topics under --on-bad-record dlq) and says, in one
     * line, what happens to a change larger than the smallest topic limit.
     */
    void prepareTopics(CompletableFuture<KafkaClusterCheck> cluster, CapturePlan plan, PrintWriter out) throws InterruptedException {
        try (KafkaClusterCheck check = await(cluster)) {
            List<String> topics = new ArrayList<>(plan.topics());
            if (command.onBadRecord == BadRecordPolicy.DLQ) {
                plan.topics().stream().map(BadRecordPolicy::deadLetterTopic).forEach(topics::add);
            }
            check.ensureTopics(topics);
            out.println(largeRecordNotice(check.maxMessageBytes(plan.topics())));
        }
    }

    /** Opens the source and the sink, and starts moving changes; {@code running} is read by the health check. */
    Started start(CapturePlan plan, String identity, PrintWriter out, Consumer<String> notices, AtomicReference<Capture> running)
            throws InterruptedException {
        if (command.exactlyOnce) {
            AtomicReference<Source> opened = new AtomicReference<>();
            TransactionalKafkaSink sink = openExactlyOnce(plan, identity, out, opened, notices);
            Observation observation = observe(sink, running, opened.get());
            TransactionalSink transactions = observation == null ? sink : observation.transactions();
            Capture capture = Capture.startExactlyOnce(opened.get(), decorated(transactions), transactions, command.transactionInterval);
            return new Started(capture, sink, opened.get(), observation);
        }
        CompletableFuture<KafkaSink> producer = inBackground(() -> new KafkaSink(kafkaConfig, plan.topics(), notices));
        Source source;
        try {
            source = plan.source().apply(null);
        } catch (RuntimeException e) {
            closeWhenDone(producer);
            throw e;
        }
        KafkaSink sink;
        try {
            sink = await(producer);
        } catch (RuntimeException | InterruptedException e) {
            source.close();
            throw e;
        }
        Observation observation = observe(sink, running, source);
        Capture capture = Capture.start(source, decorated(observation == null ? sink : observation.sink()), command.onBadRecord);
        return new Started(capture, sink, source, observation);
    }

    /**
     * Starts the transactional producer first (it fences an older instance and aborts what that one left open),
     * then reads the stored position and opens the source after it.
     */
    private TransactionalKafkaSink openExactlyOnce(CapturePlan plan, String transactionalId, PrintWriter out,
                                                   AtomicReference<Source> opened, Consumer<String> notices) {
        OffsetsTopic.ensure(kafkaConfig, plan.offsetsTopic(), timeout);
        TransactionalKafkaSink sink = new TransactionalKafkaSink(kafkaConfig, plan.topics(), transactionalId, plan.offsetsTopic(), notices);
        try {
            String stored = OffsetsTopic.read(kafkaConfig, plan.offsetsTopic(), transactionalId, timeout);
            out.println("Exactly once: transactional.id " + transactionalId + ", " + (stored == null
                    ? "no position stored yet in " + plan.offsetsTopic() : "resuming after the position stored in " + plan.offsetsTopic()) + ".");
            log.info("Resuming after the position stored in {}: {}", plan.offsetsTopic(), stored);
            opened.set(plan.source().apply(stored));
            return sink;
        } catch (RuntimeException e) {
            sink.close();
            throw e;
        }
    }

    /** The metrics and health server when --metrics-port asks for one, else null; closes sink and source when it cannot start. */
    private <S extends Sink & KafkaHealth> Observation observe(S sink, AtomicReference<Capture> running, Source source) {
        if (command.metricsPort == null) {
            return null;
        }
        SourceProbe.Kind kind = switch (command.mode) {
            case notify -> SourceProbe.Kind.NOTIFY;
            case trigger -> SourceProbe.Kind.TRIGGER;
            case logical -> SourceProbe.Kind.LOGICAL;
        };
        String probedSlot = command.mode == CaptureMode.logical
                ? new LogicalCaptureConfig(command.slot, null, null, true, null, false).slot() : null;
        try {
            return Observation.start(command.metricsPort, databaseConfig, kind, probedSlot, sink,
                    () -> running.get() == null || running.get().isRunning());
        } catch (RuntimeException e) {
            sink.close();
            source.close();
            throw e;
        }
    }

    /**
     * What capture sends through: the rules (filters, masks) first, as they read the plain envelope, then
     * Kafka Connect's json-with-schema form when asked, the last step before Kafka; {@code sink} may be the
     * metered one, which reads either form.
     */
    private Sink decorated(Sink sink) {
        Sink published = keys == ValueFormat.JSON && values == ValueFormat.JSON ? sink
                : new ConnectFormattingSink(sink, databaseConfig, keys, values);
        return rules.isEmpty() ? published : new RuleSink(published, rules);
    }

    /** One line saying what happens to a change larger than the smallest topic limit. */
    private String largeRecordNotice(Map<String, Integer> limits) {
        if (limits.isEmpty()) {
            return "Kafka topics' size limits unknown.";
        }
        Map.Entry<String, Integer> smallest = Collections.min(limits.entrySet(), Map.Entry.comparingByValue());
        String outcome = switch (command.onBadRecord) {
            case FAIL -> "stops capture (--on-bad-record fail)";
            case DLQ -> "goes to TOPIC.dlq as a summary (--on-bad-record dlq)";
            case SKIP -> "is logged and skipped (--on-bad-record skip)";
        };
        return "Kafka takes records up to " + smallest.getValue() + " bytes (max.message.bytes of " + smallest.getKey()
                + (limits.size() > 1 ? ", the smallest limit" : "") + "); a larger change " + outcome + ".";
    }

    private static <T> CompletableFuture<T> inBackground(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, task -> {
            Thread thread = new Thread(task, "pgcdc-kafka-start");
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** The background result, or its failure thrown as it was thrown there (one-line {@link CdcException}s stay as they are). */
    static <T extends AutoCloseable> T await(CompletableFuture<T> result) throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new CdcException(CdcException.Kind.INTERNAL, "starting the Kafka client failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            closeWhenDone(result);
            throw e;
        }
    }

    /** Closes what {@code result} yields once it arrives: the start failed elsewhere, and nobody else will. */
    static <T extends AutoCloseable> void closeWhenDone(CompletableFuture<T> result) {
        result.thenAccept(resource -> {
            try {
                resource.close();
            } catch (Exception e) {
                log.debug("Closing a Kafka client of a failed start", e);
            }
        });
    }
}
