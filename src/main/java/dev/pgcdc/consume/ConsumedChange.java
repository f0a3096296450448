package dev.pgcdc.consume;

import java.time.Instant;
import java.util.Map;

/**
 * One record read back from Kafka.
 *
 * @param key     the key text, or null
 * @param value   the value text, or null for a tombstone
 * @param headers the record's headers, decoded as UTF-8
 */
public record ConsumedChange(String topic, int partition, long offset, Instant timestamp, String key, String value,
                             Map<String, String> headers) {

    public ConsumedChange {
        headers = Map.copyOf(headers);
    }
}
