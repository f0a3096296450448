package dev.pgcdc.config;

/**
 * What capture does with one change it cannot publish (a value it cannot encode, a record Kafka refuses
 * for good, e.g. larger than the topic's {@code max.message.bytes}); flag {@code --on-bad-record}.
 * Whatever the choice, the slot never stays pinned silently behind the record.
 */
public enum BadRecordPolicy {
    /** Stop with one line naming table, key, position and reason, and a non-zero exit; nothing after it is confirmed. */
    FAIL,
    /** Publish the change (or a size-capped summary of it) with the error to {@code <topic>.dlq} and go on. */
    DLQ,
    /** Log the change with the error and go on. */
    SKIP;

    /** The dead-letter topic of {@code topic}. */
    public static String deadLetterTopic(String topic) {
        return topic + ".dlq";
    }
}
