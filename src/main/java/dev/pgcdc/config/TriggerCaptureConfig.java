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
 * @param pollInterval how long an idle capture waits for a writer's wake-up before it reads the journal
 *                     anyway (flag {@code --poll-interval}, default 1s): a safety net, since writers wake an
 *                     idle capture up and a busy one reads batch after batch without pausing
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
            pollInterval = Duration.ofSeconds(1);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--poll-interval must be positive, e.g. 1s");
        }
        if (batchSize < 1 || batchSize > 100_000) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--batch-size must be between 1 and 100000, got " + batchSize);
        }
    }
}
