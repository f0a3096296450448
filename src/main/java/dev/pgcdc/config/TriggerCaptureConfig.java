package dev.pgcdc.config;

import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.SkippedOperations;

import java.time.Duration;

/**
 * How the {@code trigger} capture mode publishes.
 *
 * @param topicPrefix  topics are {@code <prefix>.<schema>.<table>} (flag {@code --topic-prefix}, default
 *                     {@code pgcdc})
 * @param tombstones   follow each delete with a tombstone (flag {@code --no-tombstones} turns it off)
 * @param pollInterval the pause between two journal batches (flag {@code --poll-interval}, default 20ms):
 *                     the longest a change waits before it is read; each read is two short queries
 * @param batchSize    journal rows read per query (flag {@code --batch-size}, default 500)
 * @param skippedOperations the kinds of change not published (flag {@code --skipped-operations}, default none)
 */
public record TriggerCaptureConfig(String topicPrefix, boolean tombstones, Duration pollInterval, int batchSize,
                                   SkippedOperations skippedOperations) {

    /** Publishing every kind of change. */
    public TriggerCaptureConfig(String topicPrefix, boolean tombstones, Duration pollInterval, int batchSize) {
        this(topicPrefix, tombstones, pollInterval, batchSize, SkippedOperations.NONE);
    }

    public static final String DEFAULT_TOPIC_PREFIX = "pgcdc";

    public TriggerCaptureConfig {
        if (topicPrefix == null || topicPrefix.isBlank()) {
            topicPrefix = DEFAULT_TOPIC_PREFIX;
        }
        if (!KafkaTopicNames.isValid(topicPrefix)) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, KafkaTopicNames.problem("--topic-prefix", topicPrefix));
        }
        skippedOperations = skippedOperations == null ? SkippedOperations.NONE : skippedOperations;
        if (pollInterval == null) {
            pollInterval = Duration.ofMillis(20);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--poll-interval must be positive, e.g. 20ms");
        }
        if (batchSize < 1 || batchSize > 100_000) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--batch-size must be between 1 and 100000, got " + batchSize);
        }
    }
}
