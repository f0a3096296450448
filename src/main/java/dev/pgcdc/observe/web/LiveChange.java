package dev.pgcdc.observe.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.event.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One change as the live page shows it: its table, operation and key, and the row's columns, those an
 * update changed marked with their old value. Built from the envelope text off the pipeline's threads.
 *
 * @param seenMillis when the change was seen (acknowledged by Kafka, or consumed)
 * @param lagMillis  {@code seenMillis} minus the commit time, or -1 when unknown
 * @param table      {@code schema.table}, or the topic when the value is not a row change
 * @param op         {@code c}, {@code u}, {@code d}, {@code r}, {@code t}; {@code tombstone}; {@code other}
 */
record LiveChange(long seenMillis, long lagMillis, String topic, String table, String op, String key, List<Column> columns) {

    /** Longest value shown of one column; the page is for looking, not for reading whole documents. */
    static final int MAX_SHOWN = 200;

    /** @param old the value before an update when it changed, else null */
    record Column(String name, String value, String old) {
        boolean changed() {
            return old != null;
        }
    }

    LiveChange {
        columns = List.copyOf(columns);
    }

    static LiveChange of(Seen seen) {
        long lag = seen.commitMillis() > 0 ? Math.max(0, seen.seenMillis() - seen.commitMillis()) : -1;
        String key = seen.key() == null ? null : shown(seen.key());
        if (seen.value() == null) {
            return new LiveChange(seen.seenMillis(), lag, seen.topic(), seen.topic(), "tombstone", key, List.of());
        }
        JsonNode value = parse(seen.value());
        if (value == null || !value.path("source").isObject() || !value.has("op")) {
            return new LiveChange(seen.seenMillis(), lag, seen.topic(), seen.topic(), "other", key,
                    List.of(new Column("value", shown(seen.value()), null)));
        }
        JsonNode source = value.get("source");
        String table = source.path("schema").asText() + "." + source.path("table").asText();
        return new LiveChange(seen.seenMillis(), lag, seen.topic(), table, value.get("op").asText(), key,
                columns(value.path("before"), value.path("after")));
    }

    /**
     * The row after the change (before it, for a delete); for an update whose old row is known, each column
     * whose value differs carries the old one.
     */
    static List<Column> columns(JsonNode before, JsonNode after) {
        JsonNode row = after.isObject() ? after : before;
        if (!row.isObject()) {
            return List.of();
        }
        boolean compare = after.isObject() && before.isObject();
        List<Column> columns = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = row.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode old = compare ? before.get(field.getKey()) : null;
            boolean changed = old != null && !old.equals(field.getValue());
            columns.add(new Column(field.getKey(), render(field.getValue()), changed ? render(old) : null));
        }
        return columns;
    }

    String toJson() {
        ObjectNode json = Json.mapper().createObjectNode()
                .put("seen", seenMillis).put("lag", lagMillis).put("topic", topic).put("table", table).put("op", op);
        json.put("key", key);
        ArrayNode array = json.putArray("columns");
        for (Column column : columns) {
            ObjectNode node = array.addObject().put("name", column.name()).put("value", column.value());
            if (column.changed()) {
                node.put("old", column.old());
            }
        }
        return Json.write(json);
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode node = Json.parse(text);
            return node.isObject() ? node : null;
        } catch (Json.InvalidJsonException e) {
            return null;
        }
    }

    private static String render(JsonNode value) {
        return shown(value.isTextual() ? value.textValue() : Json.write(value));
    }

    private static String shown(String text) {
        return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN - 1) + "…";
    }
}
