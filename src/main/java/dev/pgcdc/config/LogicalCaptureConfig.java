package dev.pgcdc.config;

import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.SkippedOperations;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How the {@code logical} capture mode reads and publishes.
 *
 * @param slot              the replication slot, created when missing (flag {@code --slot}, default {@code pgcdc})
 * @param publication       the publication naming the captured tables (flag {@code --publication}, default {@code pgcdc})
 * @param topicPrefix       topics are {@code <prefix>.<schema>.<table>} (flag {@code --topic-prefix}, default {@code pgcdc})
 * @param tombstones        follow each delete with a tombstone (flag {@code --no-tombstones} turns it off)
 * @param heartbeatInterval how often an idle capture writes a heartbeat so the slot can advance (flag
 *                          {@code --heartbeat-interval}, default 10s)
 * @param transactionTopic  also publish transaction BEGIN/END events on {@code <prefix>.transaction} and a
 *                          {@code transaction} block in each event, as Debezium does (flag {@code --transaction-topic})
 * @param onBadRecord       what to do with a change that cannot be encoded or published (flag {@code --on-bad-record},
 *                          default {@code fail})
 * @param skippedOperations the kinds of change not published (flag {@code --skipped-operations}, default none)
 */
public record LogicalCaptureConfig(String slot, String publication, String topicPrefix, boolean tombstones,
                                   Duration heartbeatInterval, boolean transactionTopic, BadRecordPolicy onBadRecord,
                                   SkippedOperations skippedOperations) {

    /** Publishing every kind of change. */
    public LogicalCaptureConfig(String slot, String publication, String topicPrefix, boolean tombstones,
                                Duration heartbeatInterval, boolean transactionTopic, BadRecordPolicy onBadRecord) {
        this(slot, publication, topicPrefix, tombstones, heartbeatInterval, transactionTopic, onBadRecord, SkippedOperations.NONE);
    }

    /** With the default bad-record policy, {@code fail}. */
    public LogicalCaptureConfig(String slot, String publication, String topicPrefix, boolean tombstones,
                                Duration heartbeatInterval, boolean transactionTopic) {
        this(slot, publication, topicPrefix, tombstones, heartbeatInterval, transactionTopic, BadRecordPolicy.FAIL);
    }

    public static final String DEFAULT_NAME = "pgcdc";
    /** Slot names: lower-case letters, digits and underscores, at most 63 (PostgreSQL's rule). */
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    public LogicalCaptureConfig {
        slot = slot == null ? DEFAULT_NAME : slot;
        publication = publication == null ? DEFAULT_NAME : publication;
        topicPrefix = topicPrefix == null ? TriggerCaptureConfig.DEFAULT_TOPIC_PREFIX : topicPrefix;
        heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(10) : heartbeatInterval;
        onBadRecord = onBadRecord == null ? BadRecordPolicy.FAIL : onBadRecord;
        skippedOperations = skippedOperations == null ? SkippedOperations.NONE : skippedOperations;
        if (!SLOT_NAME.matcher(slot).matches()) {
            throw new CdcException(CdcException.Kind.CONFIGURATION,
                    "--slot '" + slot + "' is not a valid slot name: use 1 to 63 of a-z 0-9 _");
        }
        if (publication.isBlank() || publication.length() > 63) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--publication must be 1 to 63 characters");
        }
        if (!KafkaTopicNames.isValid(topicPrefix)) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, KafkaTopicNames.problem("--topic-prefix", topicPrefix));
        }
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--heartbeat-interval must be positive, e.g. 10s");
        }
    }
}
