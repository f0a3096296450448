package dev.pgcdc.consume;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.ConsumeConfig;
import dev.pgcdc.event.Json;

import java.util.Iterator;
import java.util.Map;

/** How {@code consume} shows a change: one line per change, readable or JSON. */
public interface ChangeFormat {

    String format(ConsumedChange change);

    static ChangeFormat of(ConsumeConfig.Format format) {
        return format == ConsumeConfig.Format.JSON ? new JsonLines() : new Pretty();
    }

    /** The value exactly as published, one document per line, for piping into other tools. */
    final class JsonLines implements ChangeFormat {
        @Override
        public String format(ConsumedChange change) {
            if (change.value() == null) {
                return "null";
            }
            // Keeps one document per line even if a producer sent indented JSON; numbers stay exact.
            return change.value().indexOf('\n') < 0 ? change.value() : compact(change.value());
        }

        private static String compact(String value) {
            try {
                return Json.write(Json.parse(value));
            } catch (Json.InvalidJsonException e) {
                return value.replace("\n", "\\n");
            }
        }
    }

    /**
     * {@code TIME TOPIC/PARTITION@OFFSET key=KEY col=value ...} with the row's columns in order. A change
     * event ({@code before}/{@code after}/{@code op}) shows its operation and table, and for an update only the
     * changed columns as {@code col: old -> new}.
     */
    final class Pretty implements ChangeFormat {
        @Override
        public String format(ConsumedChange change) {
            StringBuilder line = new StringBuilder()
                    .append(change.timestamp()).append(' ')
                    .append(change.topic()).append('/').append(change.partition()).append('@').append(change.offset())
                    .append(" key=").append(change.key() == null ? "-" : change.key());
            if (change.value() == null) {
                return line.append(" (tombstone)").toString();
            }
            String error = change.headers().get("pgcdc.error");
            if (error != null) {
                line.append(" [dead letter: ").append(error).append(']');
            }
            JsonNode row = parseObject(change.value());
            if (row == null) {
                return line.append(' ').append(change.value().replace("\n", "\\n")).toString();
            }
            if (isChangeEvent(row)) {
                appendChangeEvent(line, row);
            } else {
                appendColumns(line, row);
            }
            return line.toString();
        }

        private static boolean isChangeEvent(JsonNode value) {
            return value.has("op") && value.path("source").isObject() && value.has("before") && value.has("after");
        }

        private static void appendChangeEvent(StringBuilder line, JsonNode event) {
            JsonNode source = event.get("source");
            String op = event.get("op").asText();
            line.append(' ').append(switch (op) {
                case "c" -> "INSERT";
                case "u" -> "UPDATE";
                case "d" -> "DELETE";
                case "t" -> "TRUNCATE";
                case "r" -> "READ";
                default -> op;
            }).append(' ').append(source.path("schema").asText()).append('.').append(source.path("table").asText());
            JsonNode before = event.get("before");
            JsonNode after = event.get("after");
            if (op.equals("u") && before.isObject() && after.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> fields = after.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    JsonNode old = before.get(field.getKey());
                    if (old != null && !old.equals(field.getValue())) {
                        line.append(' ').append(field.getKey()).append(": ").append(render(old))
                                .append(" -> ").append(render(field.getValue()));
                    }
                }
            } else if (after.isObject()) {
                appendColumns(line, after);
            } else if (before.isObject()) {
                appendColumns(line, before);
            }
        }

        private static void appendColumns(StringBuilder line, JsonNode row) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = row.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                line.append(' ').append(field.getKey()).append('=').append(render(field.getValue()));
            }
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
}
