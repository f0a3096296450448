package dev.pgcdc.cli;

import dev.pgcdc.config.BadRecordPolicy;
import dev.pgcdc.config.ChangeRulesConfig;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.NotifyCaptureConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ValueFormat;
import dev.pgcdc.observe.Observation;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaHealth;
import dev.pgcdc.snapshot.ProgressDisplay;
import dev.pgcdc.snapshot.SnapshotSource;
import dev.pgcdc.source.Catalog;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;
import dev.pgcdc.source.Source;
import dev.pgcdc.standby.ActiveLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** {@code pgcdc capture}: streams changes from PostgreSQL into Kafka until stopped. */
@Command(name = "capture", description = "Stream changes from PostgreSQL into Kafka until Ctrl-C / SIGTERM.",
        sortOptions = false, footer = {"%nOptions by mode (options of another mode are refused):",
                "  notify   --channel, --topic, --key-field",
                "  trigger  --topic-prefix, --no-tombstones, --poll-interval, --batch-size, --skipped-operations, --snapshot*",
                "  logical  --slot, --publication, --topic-prefix, --no-tombstones, --heartbeat-interval, --transaction-topic,",
                "           --skipped-operations, --snapshot*",
                "  trigger, logical  --exactly-once, --transaction-interval, --standby",
                "%nExample: pgcdc capture --mode logical --db jdbc:postgresql://localhost:5432/shop --kafka localhost:9092"})
final class CaptureCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(CaptureCommand.class);

    @Mixin
    DatabaseOptions database;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--mode", required = true, description = "Capture mode: ${COMPLETION-CANDIDATES}")
    CaptureMode mode;

    @Option(names = "--channel", paramLabel = "CHANNEL", split = ",",
            description = "notify: LISTEN channel, repeatable (default: " + NotifyCaptureConfig.DEFAULT_CHANNEL + ")")
    List<String> channels = new ArrayList<>();

    @Option(names = "--topic", paramLabel = "TOPIC", description = "notify: Kafka topic for every channel (default: the channel's name)")
    String topic;

    @Option(names = "--key-field", paramLabel = "FIELD",
            description = "notify: payload field that becomes the record key {\"FIELD\":value} (default: id)")
    String keyField;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX",
            description = "trigger, logical: topics are PREFIX.SCHEMA.TABLE (default: " + TriggerCaptureConfig.DEFAULT_TOPIC_PREFIX + ")")
    String topicPrefix;

    @Option(names = "--no-tombstones", description = "trigger, logical: do not follow deletes with a tombstone")
    boolean noTombstones;

    @Option(names = "--poll-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "trigger: the longest an idle capture waits for a writer's wake-up before it reads anyway (default: 1s)")
    Duration pollInterval;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500",
            description = "trigger: journal rows per read (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--slot", paramLabel = "NAME", description = "logical: replication slot, created when missing (default: pgcdc)")
    String slot;

    @Option(names = "--publication", paramLabel = "NAME", description = "logical: publication to stream (default: pgcdc)")
    String publication;

    @Option(names = "--heartbeat-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "logical: heartbeat so an idle slot advances (default: 10s; PostgreSQL 14+)")
    Duration heartbeatInterval;

    @Option(names = "--transaction-topic",
            description = "logical: publish transaction BEGIN/END events on PREFIX.transaction, as Debezium does")
    boolean transactionTopic;

    @Option(names = "--skipped-operations", paramLabel = "c,u,d,t|none",
            description = "trigger, logical: kinds of change not published, as Debezium's skipped.operations: c (create), "
                    + "u (update), d (delete), t (truncate), comma-separated, or none (the default). Skipped truncates "
                    + "are counted in the log")
    String skippedOperations;

    @Option(names = "--value-format", paramLabel = "json|json-with-schema",
            description = "trigger, logical: json (default), or json-with-schema: Kafka Connect's JsonConverter form "
                    + "{\"schema\":...,\"payload\":...} (schemas.enable=true) with Debezium's type names")
    String valueFormat;

    @Option(names = "--key-format", paramLabel = "json|json-with-schema",
            description = "trigger, logical: the same for keys (default json)")
    String keyFormat;

    @Option(names = "--on-bad-record", paramLabel = "POLICY", defaultValue = "fail",
            description = "A change that cannot be encoded or that Kafka refuses for good (e.g. over max.message.bytes): "
                    + "fail (stop, non-zero exit), dlq (to TOPIC.dlq, then go on) or skip (log, then go on). Default: ${DEFAULT-VALUE}")
    BadRecordPolicy onBadRecord;

    @Mixin
    SnapshotOptions snapshotOptions;

    @Mixin
    private ChangeRuleOptions ruleOptions;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics on /metrics, health on /health/live and /health/ready, and the live view of changes "
                    + "on / (default: off)")
    Integer metricsPort;

    @Option(names = "--exactly-once",
            description = "trigger, logical: write changes in Kafka transactions together with the position (topic PREFIX.pgcdc-offsets), "
                    + "so a read_committed consumer sees each change once, also across crashes")
    boolean exactlyOnce;

    @Option(names = "--transaction-interval", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "100ms",
            description = "with --exactly-once: the longest a Kafka transaction stays open while changes keep coming; it "
                    + "commits at once when capture has nothing more to send, always at whole PostgreSQL transactions "
                    + "(default: ${DEFAULT-VALUE})")
    Duration transactionInterval;

    @Option(names = "--standby",
            description = "trigger, logical: when another capture of the same setup is active, wait and take over once it is gone")
    boolean standby;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        DatabaseConfig databaseConfig = database.toConfig();
        KafkaConfig kafkaConfig = kafka.toConfig();
        if (transactionInterval.isNegative() || transactionInterval.isZero()) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--transaction-interval must be positive, e.g. 100ms");
        }
        ChangeRulesConfig rules = ruleOptions.toConfig();
        PrintWriter out = spec.commandLine().getOut();
        ValueFormat keys = ValueFormat.parse(keyFormat, "--key-format");
        ValueFormat values = ValueFormat.parse(valueFormat, "--value-format");
        CompletableFuture<KafkaClusterCheck> cluster = CaptureWiring.checkClusterInBackground(kafkaConfig, kafka.timeout);
        CapturePlan plan;
        try {
            plan = CapturePlan.of(this, databaseConfig);
        } catch (RuntimeException e) {
            CaptureWiring.closeWhenDone(cluster);
            throw e;
        }
        CaptureWiring wiring = new CaptureWiring(this, databaseConfig, kafkaConfig, kafka.timeout, rules, keys, values);
        wiring.prepareTopics(cluster, plan, out);
        PrintWriter err = spec.commandLine().getErr();
        // what names this capture, to Kafka as its transactional.id and to other instances as the active lock
        String identity = exactlyOnce || standby ? "pgcdc-" + mode + "-" + databaseName(databaseConfig) + "-" + plan.origin() : null;
        AtomicReference<Capture> running = new AtomicReference<>();
        AtomicBoolean lockLost = new AtomicBoolean();
        try (ActiveLock ignored = standby ? awaitActive(databaseConfig, identity, plan, out, running, lockLost) : null) {
            return capture(wiring, databaseConfig, kafkaConfig, plan, identity, out, err, running, lockLost);
        }
    }

    /** Waits until this process is the active capture of its setup (and, in logical mode, the slot is free). */
    private ActiveLock awaitActive(DatabaseConfig databaseConfig, String identity, CapturePlan plan, PrintWriter out,
                                   AtomicReference<Capture> running, AtomicBoolean lockLost) throws InterruptedException {
        ActiveLock lock = ActiveLock.acquire(databaseConfig, identity, notice -> {
            out.println(notice);
            out.flush();
        }, () -> {
            lockLost.set(true);
            Capture capture = running.get();
            if (capture != null) {
                capture.close();
            }
        });
        try {
            plan.awaitFree().run();
            return lock;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private int capture(CaptureWiring wiring, DatabaseConfig databaseConfig, KafkaConfig kafkaConfig, CapturePlan plan, String identity,
                        PrintWriter out, PrintWriter err, AtomicReference<Capture> running, AtomicBoolean lockLost)
            throws InterruptedException {
        Consumer<String> notices = notice -> {
            err.println("pgcdc: " + notice);
            err.flush();
        };
        CaptureWiring.Started started = wiring.start(plan, identity, out, notices, running);
        Capture capture = started.capture();
        Source source = started.source();
        Observation observation = started.observation();
        KafkaHealth watched = started.kafka();
        running.set(capture);
        Runnable stop = () -> {
            if (watched.inOutage()) {
                err.println("pgcdc: stopping: waiting up to " + Capture.DRAIN_TIMEOUT.toSeconds() + " s for Kafka at "
                        + kafkaConfig.bootstrapServers() + " to acknowledge " + watched.held() + " held change(s); "
                        + "nothing unacknowledged is confirmed to PostgreSQL");
                err.flush();
            }
            capture.close();
        };
        ProgressDisplay progress = null;
        // The handler is in place before the first line says capture runs: a stop asked for from then on is clean.
        try (Signals ignored = Signals.onStopRequest(stop)) {
            out.println("Capturing " + plan.description() + " from " + databaseConfig.redactedUrl() + " into Kafka "
                    + kafkaConfig.bootstrapServers() + (exactlyOnce ? " exactly once" : "") + ". Ctrl-C to stop."
                    + (observation == null ? "" : " Metrics and health on port " + observation.port() + "."));
            out.flush();
            progress = source instanceof SnapshotSource snapshotting && !snapshotting.status().done()
                    ? ProgressDisplay.start(snapshotting.status(), out, System.console() != null) : null;
            awaitEnd(capture, lockLost);
        } finally {
            capture.close();
            if (observation != null) {
                observation.close();
            }
            if (progress != null) {
                progress.close();
            }
            out.println("Stopped: " + capture.delivered() + " change(s) delivered to Kafka"
                    + (source.skippedTruncates() == 0 ? "." : ", " + source.skippedTruncates() + " truncate(s) skipped (--skipped-operations)."));
            out.flush();
        }
        if (lockLost.get()) {
            throw ActiveLock.lostFailure();
        }
        return ExitCodes.OK;
    }

    /**
     * Waits for the capture to end; once the active lock is lost, for {@link ActiveLock#STOP_TIMEOUT} more at
     * most: a capture cut off the network may be stuck in a read from PostgreSQL that nothing ends, and another
     * capture is taking over, so this process ends without it.
     */
    private static void awaitEnd(Capture capture, AtomicBoolean lockLost) throws InterruptedException {
        long lostAt = 0;
        while (!capture.await(ActiveLock.CHECK_INTERVAL)) {
            if (lockLost.get() && lostAt == 0) {
                lostAt = System.nanoTime();
            } else if (lostAt != 0 && System.nanoTime() - lostAt > ActiveLock.STOP_TIMEOUT.toNanos()) {
                log.warn("Capture did not stop within {} s of losing the active lock; leaving it behind", ActiveLock.STOP_TIMEOUT.toSeconds());
                return;
            }
        }
    }

    private static String databaseName(DatabaseConfig databaseConfig) {
        try (Connection connection = PostgresConnections.open(databaseConfig, "pgcdc-capture")) {
            return Catalog.currentDatabase(connection);
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, databaseConfig, "reading the database name");
        }
    }
}
