package dev.pgcdc.consume;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.event.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What a person wants to see of one consumed record, read once from its value: the operation and table of
 * a change event, and its columns (for an update, only those that changed, with their old value).
 *
 * @param opCode     {@code c}, {@code u}, {@code d}, {@code t}, {@code r}; null when the value is not a change event
 * @param table      {@code schema.table} of a change event, else null
 * @param columns    the row's columns in order, or the changed ones of an update
 * @param deadLetter the error a dead letter carries, else null
 * @param raw        the value when it is not a JSON object (shown as is), else null
 */
record ChangeView(ConsumedChange change, String opCode, String table, List<Column> columns, String deadLetter, String raw) {

    /** One column; {@code old} is set only for a changed column of an update. */
    record Column(String name, String old, String value) {
    }

    static ChangeView of(ConsumedChange change) {
        String deadLetter = change.headers().get("pgcdc.error");
        if (change.value() == null) {
            return new ChangeView(change, null, null, List.of(), deadLetter, null);
        }
        JsonNode value = parseObject(change.value());
        if (value == null) {
            return new ChangeView(change, null, null, List.of(), deadLetter, change.value().replace("\n", "\\n"));
        }
        if (!(value.has("op") && value.path("source").isObject() && value.has("before") && value.has("after"))) {
            return new ChangeView(change, null, null, columns(value), deadLetter, null);
        }
        JsonNode source = value.get("source");
        String op = value.get("op").asText();
        String table = source.path("schema").asText() + "." + source.path("table").asText();
        JsonNode before = value.get("before");
        JsonNode after = value.get("after");
        List<Column> columns;
        if (op.equals("u") && before.isObject() && after.isObject()) {
            columns = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> fields = after.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode old = before.get(field.getKey());
                if (old != null && !old.equals(field.getValue())) {
                    columns.add(new Column(field.getKey(), render(old), render(field.getValue())));
                }
            }
        } else {
            columns = after.isObject() ? columns(after) : before.isObject() ? columns(before) : List.of();
        }
        return new ChangeView(change, op, table, columns, deadLetter, null);
    }

    boolean tombstone() {
        return change.value() == null;
    }

    /** INSERT, UPDATE, DELETE, TRUNCATE, READ (a snapshot row), or the code itself when unknown; null when not a change. */
    String operation() {
        if (opCode == null) {
            return null;
        }
        return switch (opCode) {
            case "c" -> "INSERT";
            case "u" -> "UPDATE";
            case "d" -> "DELETE";
            case "t" -> "TRUNCATE";
            case "r" -> "READ";
            default -> opCode;
        };
    }

    private static List<Column> columns(JsonNode row) {
        List<Column> columns = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = row.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            columns.add(new Column(field.getKey(), null, render(field.getValue())));
        }
        return columns;
    }

    private static JsonNode parseObject(String value) {
        try {
            JsonNode node = Json.parse(value);
            return node.isObject() ? node : null;
        } catch (Json.InvalidJsonException e) {
            return null;
        }
    }

    private static String render(JsonNode value) {
        return value.isTextual() ? value.textValue() : Json.write(value);
    }
}
