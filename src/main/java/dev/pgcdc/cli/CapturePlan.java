package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.config.NotifyCaptureConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.SkippedOperations;
import dev.pgcdc.sink.kafka.OffsetsTopic;
import dev.pgcdc.snapshot.SnapshotConfig;
import dev.pgcdc.snapshot.Snapshots;
import dev.pgcdc.source.Source;
import dev.pgcdc.source.logical.LogicalSource;
import dev.pgcdc.source.logical.SlotRelease;
import dev.pgcdc.source.notify.NotifySource;
import dev.pgcdc.source.trigger.TriggerSource;

import java.util.List;
import java.util.function.Function;

/**
 * What one mode of {@code pgcdc capture} captures: its source (opened once the checks pass, after a stored
 * position or null), the topics it writes, a description, where its position is stored with --exactly-once,
 * what it reads from (slot or journal) to name its transactional.id, and how a standby waits for it to be free.
 */
record CapturePlan(Function<String, Source> source, List<String> topics, String description, String offsetsTopic,
                   String origin, Runnable awaitFree) {

    /** The plan of {@code command}'s mode; refuses options of another mode, and asks the database which topics it writes. */
    static CapturePlan of(CaptureCommand command, DatabaseConfig databaseConfig) {
        return switch (command.mode) {
            case notify -> notifyPlan(command, databaseConfig);
            case trigger -> triggerPlan(command, databaseConfig);
            case logical -> logicalPlan(command, databaseConfig);
        };
    }

    private static CapturePlan notifyPlan(CaptureCommand c, DatabaseConfig databaseConfig) {
        rejectOptionsOfOtherMode(c, c.snapshotOptions.given(), "--snapshot, --snapshot-chunk-rows, --snapshot-workers");
        rejectOptionsOfOtherMode(c, c.topicPrefix != null || c.noTombstones || c.pollInterval != null || c.slot != null
                || c.publication != null || c.heartbeatInterval != null || c.transactionTopic || c.skippedOperations != null
                || c.valueFormat != null || c.keyFormat != null,
                "--topic-prefix, --no-tombstones, --poll-interval, --slot, --publication, --heartbeat-interval, --transaction-topic, "
                        + "--skipped-operations, --value-format, --key-format");
        NotifyCaptureConfig notify = new NotifyCaptureConfig(c.channels, c.topic, c.keyField);
        if (c.exactlyOnce || c.standby) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, (c.exactlyOnce ? "--exactly-once" : "--standby")
                    + " does not apply to --mode notify: NOTIFY keeps no position to resume from, so a crash or a takeover loses"
                    + " or repeats changes; use --mode trigger or logical");
        }
        return new CapturePlan(stored -> NotifySource.open(databaseConfig, notify), notify.topics(),
                "NOTIFY on " + notify.channels() + " -> topic(s) " + notify.channels().stream().map(notify::topicFor).distinct().toList(),
                null, null, () -> { });
    }

    private static CapturePlan triggerPlan(CaptureCommand c, DatabaseConfig databaseConfig) {
        rejectOptionsOfOtherMode(c, !c.channels.isEmpty() || c.topic != null || c.keyField != null, "--channel, --topic, --key-field");
        rejectOptionsOfOtherMode(c, c.slot != null || c.publication != null || c.heartbeatInterval != null || c.transactionTopic,
                "--slot, --publication, --heartbeat-interval, --transaction-topic");
        TriggerCaptureConfig trigger = new TriggerCaptureConfig(c.topicPrefix, !c.noTombstones, c.pollInterval, c.batchSize,
                SkippedOperations.parse(c.skippedOperations));
        List<String> topics = TriggerSource.topicsOfCapturedTables(databaseConfig, trigger);
        SnapshotConfig snapshotConfig = c.snapshotOptions.toConfig();
        boolean exactlyOnce = c.exactlyOnce;
        return new CapturePlan(stored -> exactlyOnce ? Snapshots.triggerExactlyOnce(databaseConfig, trigger, snapshotConfig, stored)
                : Snapshots.trigger(databaseConfig, trigger, snapshotConfig), topics,
                "journal pgcdc.journal -> topics " + topics, OffsetsTopic.name(trigger.topicPrefix()), "journal", () -> { });
    }

    private static CapturePlan logicalPlan(CaptureCommand c, DatabaseConfig databaseConfig) {
        rejectOptionsOfOtherMode(c, !c.channels.isEmpty() || c.topic != null || c.keyField != null, "--channel, --topic, --key-field");
        rejectOptionsOfOtherMode(c, c.pollInterval != null, "--poll-interval");
        LogicalCaptureConfig logical = new LogicalCaptureConfig(c.slot, c.publication, c.topicPrefix, !c.noTombstones,
                c.heartbeatInterval, c.transactionTopic, c.onBadRecord, SkippedOperations.parse(c.skippedOperations));
        List<String> topics = LogicalSource.topicsOfPublishedTables(databaseConfig, logical);
        SnapshotConfig snapshotConfig = c.snapshotOptions.toConfig();
        boolean exactlyOnce = c.exactlyOnce;
        return new CapturePlan(stored -> exactlyOnce ? Snapshots.logicalExactlyOnce(databaseConfig, logical, snapshotConfig, stored)
                : Snapshots.logical(databaseConfig, logical, snapshotConfig), topics,
                "slot " + logical.slot() + " (publication " + logical.publication() + ") -> topics " + topics,
                OffsetsTopic.name(logical.topicPrefix()), logical.slot(),
                () -> SlotRelease.await(databaseConfig, logical.slot()));
    }

    private static void rejectOptionsOfOtherMode(CaptureCommand command, boolean given, String options) {
        if (given) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, options + " do not apply to --mode " + command.mode);
        }
    }
}
