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
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.source.Source;
import dev.pgcdc.source.logical.LogicalSource;
import dev.pgcdc.source.notify.NotifySource;
import dev.pgcdc.source.trigger.TriggerSource;
import dev.pgcdc.transform.RuleSink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** {@code pgcdc capture}: streams changes from PostgreSQL into Kafka until stopped. */
@Command(name = "capture", description = "Stream changes from PostgreSQL into Kafka until Ctrl-C / SIGTERM.",
        sortOptions = false, footer = {"%nOptions by mode (options of another mode are refused):",
                "  notify   --channel, --topic, --key-field",
                "  trigger  --topic-prefix, --no-tombstones, --poll-interval, --batch-size, --skipped-operations",
                "  logical  --slot, --publication, --topic-prefix, --no-tombstones, --heartbeat-interval, --transaction-topic,",
                "           --skipped-operations",
                "%nExample: pgcdc capture --mode logical --db jdbc:postgresql://localhost:5432/shop --kafka localhost:9092"})
final class CaptureCommand implements Callable<Integer> {

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

    @Option(names = "--include-table", paramLabel = "REGEX", split = ",",
            description = "Publish only tables whose SCHEMA.TABLE matches one of these regular expressions (repeatable)")
    List<String> includeTables = new ArrayList<>();

    @Option(names = "--exclude-table", paramLabel = "REGEX", split = ",",
            description = "Never publish tables whose SCHEMA.TABLE matches (repeatable); their changes still advance the position")
    List<String> excludeTables = new ArrayList<>();

    @Option(names = "--exclude-column", paramLabel = "REGEX", split = ",",
            description = "Leave columns whose SCHEMA.TABLE.COLUMN matches out of before and after (repeatable; key columns stay in the key)")
    List<String> excludeColumns = new ArrayList<>();

    @Option(names = "--mask-column", paramLabel = "REGEX", split = ",",
            description = "Publish *** instead of the value of matching SCHEMA.TABLE.COLUMN columns (repeatable)")
    List<String> maskColumns = new ArrayList<>();

    @Option(names = "--hash-column", paramLabel = "REGEX", split = ",",
            description = "Publish a salted SHA-256 (hex) instead of the value of matching SCHEMA.TABLE.COLUMN columns (repeatable)")
    List<String> hashColumns = new ArrayList<>();

    @Option(names = "--hash-salt", paramLabel = "SALT", description = "The secret salt of --hash-column (prefer env PGCDC_HASH_SALT)")
    String hashSalt;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics on /metrics and health on /health/live and /health/ready (default: off)")
    Integer metricsPort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        DatabaseConfig databaseConfig = database.toConfig();
        KafkaConfig kafkaConfig = kafka.toConfig();
        ChangeRulesConfig rules = ChangeRulesConfig.of(includeTables, excludeTables, excludeColumns, maskColumns, hashColumns, hashSalt);
        PrintWriter out = spec.commandLine().getOut();
        ValueFormat keys = ValueFormat.parse(keyFormat, "--key-format");
        ValueFormat values = ValueFormat.parse(valueFormat, "--value-format");
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
        Source source = plan.source().get();
        PrintWriter err = spec.commandLine().getErr();
        KafkaSink sink;
        try {
            sink = new KafkaSink(kafkaConfig, plan.topics(), notice -> {
                err.println("pgcdc: " + notice);
                err.flush();
            });
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        AtomicReference<Capture> started = new AtomicReference<>();
        Observation observation = metricsPort == null ? null : observe(databaseConfig, sink, started, source);
        // Rules read the plain envelope, so json-with-schema is written after them; metrics read either form.
        Sink published = formatted(observation == null ? sink : observation.sink(), databaseConfig, keys, values);
        Capture capture = Capture.start(source, rules.isEmpty() ? published : new RuleSink(published, rules), onBadRecord);
        started.set(capture);
        out.println("Capturing " + plan.description() + " from " + databaseConfig.redactedUrl() + " into Kafka "
                + kafkaConfig.bootstrapServers() + ". Ctrl-C to stop."
                + (observation == null ? "" : " Metrics and health on port " + observation.port() + "."));
        out.flush();
        Runnable stop = () -> {
            if (sink.inOutage()) {
                err.println("pgcdc: stopping: waiting up to " + Capture.DRAIN_TIMEOUT.toSeconds() + " s for Kafka at "
                        + kafkaConfig.bootstrapServers() + " to acknowledge " + sink.held() + " held change(s); "
                        + "nothing unacknowledged is confirmed to PostgreSQL");
                err.flush();
            }
            capture.close();
        };
        try (Signals ignored = Signals.onStopRequest(stop)) {
            capture.await();
        } finally {
            capture.close();
            if (observation != null) {
                observation.close();
            }
            out.println("Stopped: " + capture.delivered() + " change(s) delivered to Kafka"
                    + (source.skippedTruncates() == 0 ? "." : ", " + source.skippedTruncates() + " truncate(s) skipped (--skipped-operations)."));
            out.flush();
        }
        return ExitCodes.OK;
    }

    private Observation observe(DatabaseConfig databaseConfig, KafkaSink sink, AtomicReference<Capture> started, Source source) {
        SourceProbe.Kind kind = switch (mode) {
            case notify -> SourceProbe.Kind.NOTIFY;
            case trigger -> SourceProbe.Kind.TRIGGER;
            case logical -> SourceProbe.Kind.LOGICAL;
        };
        String probedSlot = mode == CaptureMode.logical ? new LogicalCaptureConfig(slot, null, null, true, null, false).slot() : null;
        try {
            return Observation.start(metricsPort, databaseConfig, kind, probedSlot, sink,
                    () -> started.get() == null || started.get().isRunning());
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

    /** What one mode captures: its source (opened once the checks pass), the topics it writes, a description. */
    private record Plan(Supplier<Source> source, List<String> topics, String description) {
    }

    private Plan notifyPlan(DatabaseConfig databaseConfig) {
        rejectOptionsOfOtherMode(topicPrefix != null || noTombstones || pollInterval != null || slot != null
                || publication != null || heartbeatInterval != null || transactionTopic || skippedOperations != null
                || valueFormat != null || keyFormat != null,
                "--topic-prefix, --no-tombstones, --poll-interval, --slot, --publication, --heartbeat-interval, --transaction-topic, "
                        + "--skipped-operations, --value-format, --key-format");
        NotifyCaptureConfig notify = new NotifyCaptureConfig(channels, topic, keyField);
        return new Plan(() -> NotifySource.open(databaseConfig, notify), notify.topics(),
                "NOTIFY on " + notify.channels() + " -> topic(s) " + notify.channels().stream().map(notify::topicFor).distinct().toList());
    }

    private Plan triggerPlan(DatabaseConfig databaseConfig) {
        rejectOptionsOfOtherMode(!channels.isEmpty() || topic != null || keyField != null, "--channel, --topic, --key-field");
        rejectOptionsOfOtherMode(slot != null || publication != null || heartbeatInterval != null || transactionTopic,
                "--slot, --publication, --heartbeat-interval, --transaction-topic");
        TriggerCaptureConfig trigger = new TriggerCaptureConfig(topicPrefix, !noTombstones, pollInterval, batchSize,
                SkippedOperations.parse(skippedOperations));
        List<String> topics = TriggerSource.topicsOfCapturedTables(databaseConfig, trigger);
        return new Plan(() -> TriggerSource.open(databaseConfig, trigger), topics,
                "journal pgcdc.journal -> topics " + topics);
    }

    private Plan logicalPlan(DatabaseConfig databaseConfig) {
        rejectOptionsOfOtherMode(!channels.isEmpty() || topic != null || keyField != null, "--channel, --topic, --key-field");
        rejectOptionsOfOtherMode(pollInterval != null, "--poll-interval");
        LogicalCaptureConfig logical = new LogicalCaptureConfig(slot, publication, topicPrefix, !noTombstones, heartbeatInterval,
                transactionTopic, onBadRecord, SkippedOperations.parse(skippedOperations));
        List<String> topics = LogicalSource.topicsOfPublishedTables(databaseConfig, logical);
        return new Plan(() -> LogicalSource.open(databaseConfig, logical), topics,
                "slot " + logical.slot() + " (publication " + logical.publication() + ") -> topics " + topics);
    }

    /** The sink as is, or writing Kafka Connect's json-with-schema form when asked: the last step before Kafka. */
    private static Sink formatted(Sink sink, DatabaseConfig databaseConfig, ValueFormat keys, ValueFormat values) {
        if (keys == ValueFormat.JSON && values == ValueFormat.JSON) {
            return sink;
        }
        return new ConnectFormattingSink(sink, databaseConfig, keys, values);
    }

    private void rejectOptionsOfOtherMode(boolean given, String options) {
        if (given) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, options + " do not apply to --mode " + mode);
        }
    }
}
