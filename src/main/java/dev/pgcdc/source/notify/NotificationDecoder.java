package dev.pgcdc.source.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.config.NotifyCaptureConfig;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Header;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.ZonedTimestamps;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one NOTIFY into a change: the payload is published exactly as PostgreSQL sent it (no re-encoding,
 * so {@code 10.50} stays {@code 10.50}), but for timestamptz values, written in the writer's time zone by
 * row_to_json, which become UTC with {@code Z} ({@link ZonedTimestamps#inDocument}); the key is {@code {"<key field>":value}} when the payload is a JSON
 * object holding that field. A payload that is not JSON becomes a dead-letter event, never a failure.
 * Pure: no JDBC, no clock.
 */
final class NotificationDecoder {

    static final String CHANNEL_HEADER = "pgcdc.channel";
    static final String PID_HEADER = "pgcdc.pid";
    static final String RECEIVED_AT_HEADER = "pgcdc.received_at";
    static final String ERROR_HEADER = "pgcdc.error";

    private final NotifyCaptureConfig config;

    NotificationDecoder(NotifyCaptureConfig config) {
        this.config = config;
    }

    ChangeEvent decode(String channel, int backendPid, String payload, Instant receivedAt) {
        String topic = config.topicFor(channel);
        List<Header> headers = List.of(
                new Header(CHANNEL_HEADER, channel),
                new Header(PID_HEADER, Integer.toString(backendPid)),
                new Header(RECEIVED_AT_HEADER, receivedAt.toString()));
        JsonNode parsed;
        try {
            parsed = Json.parse(payload);
        } catch (Json.InvalidJsonException e) {
            List<Header> withReason = new ArrayList<>(headers);
            withReason.add(new Header(ERROR_HEADER, "payload is not valid JSON: " + e.getMessage()));
            return new ChangeEvent(NotifyCaptureConfig.deadLetterTopic(topic), null, payload, withReason, null);
        }
        return new ChangeEvent(topic, keyOf(parsed), ZonedTimestamps.inDocument(payload), headers, null);
    }

    private String keyOf(JsonNode payload) {
        JsonNode field = payload.isObject() ? payload.get(config.keyField()) : null;
        if (field == null) {
            return null;
        }
        ObjectNode key = Json.mapper().createObjectNode();
        key.set(config.keyField(), field);
        return Json.write(key);
    }
}
