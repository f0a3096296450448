package dev.pgcdc.event;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The record a change that could not be published becomes on its dead-letter topic: where it was going,
 * its key, its position, the error, and the change itself, or only its first characters when it is too
 * large to publish anywhere.
 */
public final class DeadLetter {

    /** Changes longer than this are kept as a summary: the dead-letter topic has the same size limits. */
    public static final int MAX_VALUE_CHARS = 100_000;
    private static final int PREFIX_CHARS = 1_000;

    private DeadLetter() {
    }

    /**
     * @param deadLetterTopic where the record goes
     * @param topic           where the change was going
     * @param value           the change as far as it could be made: the event's JSON, or the row's raw text values
     */
    public static ChangeEvent of(String deadLetterTopic, String topic, String key, String value, Position position, String error) {
        ObjectNode record = Json.mapper().createObjectNode();
        record.put("topic", topic);
        record.put("key", key);
        record.put("position", position == null ? null : position.toString());
        record.put("error", error);
        if (value != null && value.length() > MAX_VALUE_CHARS) {
            record.put("value_chars", value.length());
            record.put("value_prefix", value.substring(0, PREFIX_CHARS));
        } else {
            record.put("value", value);
        }
        return new ChangeEvent(deadLetterTopic, key, Json.write(record), List.of(), null);
    }
}
