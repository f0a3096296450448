package dev.pgcdc.event;

import java.util.List;
import java.util.Objects;

/**
 * One change ready for a sink: where it goes, its key and value as JSON text, and its metadata.
 *
 * @param topic    the destination topic, never blank
 * @param key      the JSON key, or null when the change has none
 * @param value    the JSON value exactly as it will be published, or null for a tombstone
 * @param headers  metadata headers, in order
 * @param position where this change sits in the source's stream, or null when the source keeps none
 */
public record ChangeEvent(String topic, String key, String value, List<Header> headers, Position position) {

    public ChangeEvent {
        Objects.requireNonNull(topic, "topic");
        if (topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be blank");
        }
        headers = List.copyOf(headers);
    }

    /** The value of the first header with this name, or null. */
    public String header(String name) {
        for (Header header : headers) {
            if (header.name().equals(name)) {
                return header.value();
            }
        }
        return null;
    }
}
