package dev.pgcdc.cli;

import dev.pgcdc.config.BadRecordPolicy;
import dev.pgcdc.config.ChangeRulesConfig;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.config.NotifyCaptureConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.SkippedOperations;
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
import dev.pgcdc.snapshot.ProgressDisplay;
import dev.pgcdc.snapshot.SnapshotConfig;
import dev.pgcdc.snapshot.SnapshotSource;
import dev.pgcdc.snapshot.Snapshots;
import dev.pgcdc.sink.kafka.OffsetsTopic;
import dev.pgcdc.sink.kafka.TransactionalKafkaSink;
import dev.pgcdc.source.Catalog;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;
import dev.pgcdc.source.Source;
import dev.pgcdc.source.logical.LogicalSource;
import dev.pgcdc.source.notify.NotifySource;
import dev.pgcdc.source.trigger.TriggerSource;
import dev.pgcdc.transform.RuleSink;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

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

    /** How long a new active capture waits for the previous one's walsender to end: its wal_sender_timeout, and some. */
    private static final Duration SLOT_RELEASE_TIMEOUT = Duration.ofSeconds(90);

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
            description = "trigger: pause between two journal reads, the longest a change waits to be read (default: 20ms)")
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
    private SnapshotOptions snapshotOptions;

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
            description = "with --exactly-once: how often a Kafka transaction is committed, at whole PostgreSQL transactions "
                    + "(default: ${DEFAULT-VALUE})")
    Duration transactionInterval;

    @Option(names = "--standby",
            description = "trigger, logical: when another capture of the same setup is active, wait and take over once it is gone")
    boolean standby;

    @Spec
    CommandSpec spec;

    /** The filters and masks of this run, validated at start. */
    private ChangeRulesConfig rules;
    private ValueFormat keys;
    private ValueFormat values;

    @Override
    public Integer call() throws InterruptedException {
        DatabaseConfig databaseConfig = database.toConfig();
        KafkaConfig kafkaConfig = kafka.toConfig();
        if (transactionInterval.isNegative() || transactionInterval.isZero()) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--transaction-interval must be positive, e.g. 100ms");
        }
        rules = ruleOptions.toConfig();
        PrintWriter out = spec.commandLine().getOut();
        keys = ValueFormat.parse(keyFormat, "--key-format");
        values = ValueFormat.parse(valueFormat, "--value-format");
        Plan plan = switch (mode) {
            case notify -> notifyPlan(databaseConfig);
            case trigger -> triggerPlan(databaseConfig);
            case logical -> logicalPlan(databaseConfig);
        };

        KafkaClusterCheck.verifyReachable(kafkaConfig, kafka.timeout);
        List<String> topics = new ArrayList<>(plan.topics());
        if (onBadRecord == BadRecordPolicy.DLQ) {
            plan.topics().stream().map(BadRecordPolicy::deadLetterTopic).forEach(topics::add);
        }
        KafkaClusterCheck.ensureTopics(kafkaConfig, topics, kafka.timeout);
        out.println(largeRecordNotice(KafkaSink.maxMessageBytes(kafkaConfig, plan.topics(), kafka.timeout)));
        PrintWriter err = spec.commandLine().getErr();
        // what names this capture, to Kafka as its transactional.id and to other instances as the active lock
        String identity = exactlyOnce || standby ? "pgcdc-" + mode + "-" + databaseName(databaseConfig) + "-" + plan.origin() : null;
        AtomicReference<Capture> running = new AtomicReference<>();
        AtomicBoolean lockLost = new AtomicBoolean();
        try (ActiveLock ignored = standby ? awaitActive(databaseConfig, identity, plan, out, running, lockLost) : null) {
            return capture(databaseConfig, kafkaConfig, plan, identity, out, err, running, lockLost);
        }
    }

    /** Waits until this process is the active capture of its setup (and, in logical mode, the slot is free). */
    private ActiveLock awaitActive(DatabaseConfig databaseConfig, String identity, Plan plan, PrintWriter out,
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

    private int capture(DatabaseConfig databaseConfig, KafkaConfig kafkaConfig, Plan plan, String identity, PrintWriter out,
                        PrintWriter err, AtomicReference<Capture> running, AtomicBoolean lockLost) throws InterruptedException {
        Observation observation;
        AtomicReference<Source> opened = new AtomicReference<>();
        Consumer<String> notices = notice -> {
            err.println("pgcdc: " + notice);
            err.flush();
        };
        Capture capture;
        KafkaHealth watched;
        if (exactlyOnce) {
            TransactionalKafkaSink sink = openExactlyOnce(kafkaConfig, plan, identity, out, opened, notices);
            watched = sink;
            observation = metricsPort == null ? null : observe(databaseConfig, sink, running, opened.get());
            TransactionalSink transactions = observation == null ? sink : observation.transactions();
            capture = Capture.startExactlyOnce(opened.get(), decorated(transactions, databaseConfig), transactions, transactionInterval);
        } else {
            opened.set(plan.source().apply(null));
            KafkaSink sink;
            try {
                sink = new KafkaSink(kafkaConfig, plan.topics(), notices);
            } catch (RuntimeException e) {
                opened.get().close();
                throw e;
            }
            watched = sink;
            observation = metricsPort == null ? null : observe(databaseConfig, sink, running, opened.get());
            capture = Capture.start(opened.get(), decorated(observation == null ? sink : observation.sink(), databaseConfig), onBadRecord);
        }
        Source source = opened.get();
        running.set(capture);
        out.println("Capturing " + plan.description() + " from " + databaseConfig.redactedUrl() + " into Kafka "
                + kafkaConfig.bootstrapServers() + (exactlyOnce ? " exactly once" : "") + ". Ctrl-C to stop."
                + (observation == null ? "" : " Metrics and health on port " + observation.port() + "."));
        out.flush();
        ProgressDisplay progress = source instanceof SnapshotSource snapshotting && !snapshotting.status().done()
                ? ProgressDisplay.start(snapshotting.status(), out, System.console() != null) : null;
        Runnable stop = () -> {
            if (watched.inOutage()) {
                err.println("pgcdc: stopping: waiting up to " + Capture.DRAIN_TIMEOUT.toSeconds() + " s for Kafka at "
                        + kafkaConfig.bootstrapServers() + " to acknowledge " + watched.held() + " held change(s); "
                        + "nothing unacknowledged is confirmed to PostgreSQL");
                err.flush();
            }
            capture.close();
        };
        try (Signals ignored = Signals.onStopRequest(stop)) {
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

    private <S extends Sink & KafkaHealth> Observation observe(DatabaseConfig databaseConfig, S sink, AtomicReference<Capture> running,
                                                               Source source) {
        SourceProbe.Kind kind = switch (mode) {
            case notify -> SourceProbe.Kind.NOTIFY;
            case trigger -> SourceProbe.Kind.TRIGGER;
            case logical -> SourceProbe.Kind.LOGICAL;
        };
        String probedSlot = mode == CaptureMode.logical ? new LogicalCaptureConfig(slot, null, null, true, null, false).slot() : null;
        try {
            return Observation.start(metricsPort, databaseConfig, kind, probedSlot, sink,
                    () -> running.get() == null || running.get().isRunning());
        } catch (RuntimeException e) {
            sink.close();
            source.close();
            throw e;
        }
    }

    /** One line saying what happens to a change larger than the smallest topic limit. */
    private String largeRecordNotice(Map<String, Integer> limits) {
        if (limits.isEmpty()) {
            return "Kafka topics' size limits unknown.";
        }
        Map.Entry<String, Integer> smallest = Collections.min(limits.entrySet(), Map.Entry.comparingByValue());
        String outcome = switch (onBadRecord) {
            case FAIL -> "stops capture (--on-bad-record fail)";
            case DLQ -> "goes to TOPIC.dlq as a summary (--on-bad-record dlq)";
            case SKIP -> "is logged and skipped (--on-bad-record skip)";
        };
        return "Kafka takes records up to " + smallest.getValue() + " bytes (max.message.bytes of " + smallest.getKey()
                + (limits.size() > 1 ? ", the smallest limit" : "") + "); a larger change " + outcome + ".";
    }

    /**
     * Starts the transactional producer first (it fences an older instance and aborts what that one left open),
     * then reads the stored position and opens the source after it.
     */
    private TransactionalKafkaSink openExactlyOnce(KafkaConfig kafkaConfig, Plan plan, String transactionalId, PrintWriter out,
                                                   AtomicReference<Source> opened, Consumer<String> notices) {
        OffsetsTopic.ensure(kafkaConfig, plan.offsetsTopic(), kafka.timeout);
        TransactionalKafkaSink sink = new TransactionalKafkaSink(kafkaConfig, plan.topics(), transactionalId, plan.offsetsTopic(), notices);
        try {
            String stored = OffsetsTopic.read(kafkaConfig, plan.offsetsTopic(), transactionalId, kafka.timeout);
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

    private static String databaseName(DatabaseConfig databaseConfig) {
        try (Connection connection = PostgresConnections.open(databaseConfig, "pgcdc-capture")) {
            return Catalog.currentDatabase(connection);
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, databaseConfig, "reading the database name");
        }
    }

    /**
     * What one mode captures: its source (opened once the checks pass, after a stored position or null), the
     * topics it writes, a description, where its position is stored with --exactly-once and what it reads from
     * (slot or journal) to name its transactional.id.
     */
    private record Plan(Function<String, Source> source, List<String> topics, String description, String offsetsTopic,
                        String origin, Runnable awaitFree) {
    }

    private Plan notifyPlan(DatabaseConfig databaseConfig) {
        rejectOptionsOfOtherMode(snapshotOptions.given(), "--snapshot, --snapshot-chunk-rows, --snapshot-workers");
        rejectOptionsOfOtherMode(topicPrefix != null || noTombstones || pollInterval != null || slot != null
                || publication != null || heartbeatInterval != null || transactionTopic || skippedOperations != null
                || valueFormat != null || keyFormat != null,
                "--topic-prefix, --no-tombstones, --poll-interval, --slot, --publication, --heartbeat-interval, --transaction-topic, "
                        + "--skipped-operations, --value-format, --key-format");
        NotifyCaptureConfig notify = new NotifyCaptureConfig(channels, topic, keyField);
        if (exactlyOnce || standby) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, (exactlyOnce ? "--exactly-once" : "--standby")
                    + " does not apply to --mode notify: NOTIFY keeps no position to resume from, so a crash or a takeover loses"
                    + " or repeats changes; use --mode trigger or logical");
        }
        return new Plan(stored -> NotifySource.open(databaseConfig, notify), notify.topics(),
                "NOTIFY on " + notify.channels() + " -> topic(s) " + notify.channels().stream().map(notify::topicFor).distinct().toList(),
                null, null, () -> { });
    }

    private Plan triggerPlan(DatabaseConfig databaseConfig) {
        rejectOptionsOfOtherMode(!channels.isEmpty() || topic != null || keyField != null, "--channel, --topic, --key-field");
        rejectOptionsOfOtherMode(slot != null || publication != null || heartbeatInterval != null || transactionTopic,
                "--slot, --publication, --heartbeat-interval, --transaction-topic");
        TriggerCaptureConfig trigger = new TriggerCaptureConfig(topicPrefix, !noTombstones, pollInterval, batchSize,
                SkippedOperations.parse(skippedOperations));
        List<String> topics = TriggerSource.topicsOfCapturedTables(databaseConfig, trigger);
        SnapshotConfig snapshotConfig = snapshotOptions.toConfig();
        return new Plan(stored -> exactlyOnce ? Snapshots.triggerExactlyOnce(databaseConfig, trigger, snapshotConfig, stored)
                : Snapshots.trigger(databaseConfig, trigger, snapshotConfig), topics,
                "journal pgcdc.journal -> topics " + topics, OffsetsTopic.name(trigger.topicPrefix()), "journal", () -> { });
    }

    private Plan logicalPlan(DatabaseConfig databaseConfig) {
        rejectOptionsOfOtherMode(!channels.isEmpty() || topic != null || keyField != null, "--channel, --topic, --key-field");
        rejectOptionsOfOtherMode(pollInterval != null, "--poll-interval");
        LogicalCaptureConfig logical = new LogicalCaptureConfig(slot, publication, topicPrefix, !noTombstones, heartbeatInterval,
                transactionTopic, onBadRecord, SkippedOperations.parse(skippedOperations));
        List<String> topics = LogicalSource.topicsOfPublishedTables(databaseConfig, logical);
        SnapshotConfig snapshotConfig = snapshotOptions.toConfig();
        return new Plan(stored -> exactlyOnce ? Snapshots.logicalExactlyOnce(databaseConfig, logical, snapshotConfig, stored)
                : Snapshots.logical(databaseConfig, logical, snapshotConfig), topics,
                "slot " + logical.slot() + " (publication " + logical.publication() + ") -> topics " + topics,
                OffsetsTopic.name(logical.topicPrefix()), logical.slot(),
                () -> LogicalSource.awaitSlotReleased(databaseConfig, logical.slot(), SLOT_RELEASE_TIMEOUT));
    }

    /**
     * What capture sends through: the rules (filters, masks) first, as they read the plain envelope, then
     * Kafka Connect's json-with-schema form when asked, the last step before Kafka; {@code sink} may be the
     * metered one, which reads either form.
     */
    private Sink decorated(Sink sink, DatabaseConfig databaseConfig) {
        Sink published = keys == ValueFormat.JSON && values == ValueFormat.JSON ? sink
                : new ConnectFormattingSink(sink, databaseConfig, keys, values);
        return rules.isEmpty() ? published : new RuleSink(published, rules);
    }

    private void rejectOptionsOfOtherMode(boolean given, String options) {
        if (given) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, options + " do not apply to --mode " + mode);
        }
    }
}
