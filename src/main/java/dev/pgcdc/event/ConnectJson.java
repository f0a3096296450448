package dev.pgcdc.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Writes events in the {@code {"schema":…,"payload":…}} form Kafka Connect's {@code JsonConverter} reads with
 * {@code schemas.enable=true}, the converter Connect sinks (JDBC, S3, Elasticsearch…) are set up with. The
 * schema is Debezium's envelope with its semantic type names where they apply; the payload is the event with
 * the values a schema needs changed: numerics as strings (Debezium's {@code decimal.handling.mode=string}),
 * json/jsonb and composites as their JSON text ({@code io.debezium.data.Json}). Floating-point NaN and
 * ±Infinity have no JSON number form and the converter would read a string as 0.0: they are written as null.
 */
public final class ConnectJson {

    private static final JsonNodeFactory NODES = Json.mapper().getNodeFactory();

    private ConnectJson() {
    }

    /** The value of a change event ({@code before}, {@code after}, {@code source}, {@code op}...) with its schema. */
    public static String value(String envelopeJson, String topic, List<ColumnType> columns) {
        JsonNode envelope = Json.parse(envelopeJson);
        ObjectNode payload = NODES.objectNode();
        payload.set("before", row(envelope.get("before"), columns));
        payload.set("after", row(envelope.get("after"), columns));
        payload.set("source", envelope.get("source"));
        payload.set("op", envelope.get("op"));
        if (envelope.has("transaction")) {
            payload.set("transaction", envelope.get("transaction"));
        }
        if (envelope.has(DebeziumEnvelope.UNAVAILABLE_COLUMNS)) {
            payload.set(DebeziumEnvelope.UNAVAILABLE_COLUMNS, envelope.get(DebeziumEnvelope.UNAVAILABLE_COLUMNS));
        }
        payload.set("ts_ms", envelope.get("ts_ms"));

        ObjectNode schema = struct(topic + ".Envelope", false, null);
        ArrayNode fields = schema.putArray("fields");
        fields.add(rowSchema(topic + ".Value", "before", columns));
        fields.add(rowSchema(topic + ".Value", "after", columns));
        fields.add(sourceSchema());
        fields.add(primitive("string", false, "op"));
        fields.add(primitive("int64", true, "ts_ms"));
        ObjectNode transaction = struct("event.block", true, "transaction");
        transaction.putArray("fields").add(primitive("string", false, "id")).add(primitive("int64", false, "total_order"))
                .add(primitive("int64", false, "data_collection_order"));
        fields.add(transaction);
        ObjectNode unavailable = primitive("array", true, DebeziumEnvelope.UNAVAILABLE_COLUMNS);
        unavailable.set("items", primitive("string", false, null));
        fields.add(unavailable);
        return write(schema, payload);
    }

    /** A key ({@code {"id":1}}) with its schema: a struct of the key columns. */
    public static String key(String keyJson, String topic, List<ColumnType> keyColumns) {
        ObjectNode schema = struct(topic + ".Key", false, null);
        ArrayNode fields = schema.putArray("fields");
        keyColumns.forEach(column -> fields.add(columnSchema(column)));
        return write(schema, row(Json.parse(keyJson), keyColumns));
    }

    private static String write(ObjectNode schema, JsonNode payload) {
        ObjectNode record = NODES.objectNode();
        record.set("schema", schema);
        record.set("payload", payload);
        return Json.write(record);
    }

    private static JsonNode row(JsonNode row, List<ColumnType> columns) {
        if (row == null || row.isNull()) {
            return NODES.nullNode();
        }
        ObjectNode converted = NODES.objectNode();
        for (ColumnType column : columns) {
            JsonNode value = row.get(column.name());
            if (value != null) {
                converted.set(column.name(), value(value, column.kind(), column.elementKind()));
            }
        }
        return converted;
    }

    private static JsonNode value(JsonNode value, ColumnType.Kind kind, ColumnType.Kind elementKind) {
        if (value.isNull()) {
            return value;
        }
        return switch (kind) {
            case DECIMAL -> NODES.textNode(value.isNumber() ? value.decimalValue().toPlainString() : value.asText());
            case JSON, COMPOSITE -> NODES.textNode(Json.write(value));
            case FLOAT32, FLOAT64 -> value.isNumber() ? value : NODES.nullNode();
            case ARRAY -> {
                ArrayNode elements = NODES.arrayNode();
                value.forEach(element -> elements.add(value(element, elementKind, null)));
                yield elements;
            }
            default -> value;
        };
    }

    private static ObjectNode rowSchema(String name, String field, List<ColumnType> columns) {
        ObjectNode schema = struct(name, true, field);
        ArrayNode fields = schema.putArray("fields");
        columns.forEach(column -> fields.add(columnSchema(column)));
        return schema;
    }

    private static ObjectNode columnSchema(ColumnType column) {
        ObjectNode schema = kindSchema(column.kind(), column.optional(), column.name());
        if (column.kind() == ColumnType.Kind.ARRAY) {
            schema.set("items", kindSchema(column.elementKind(), true, null));
        }
        return schema;
    }

    private static ObjectNode kindSchema(ColumnType.Kind kind, boolean optional, String field) {
        return switch (kind) {
            case BOOLEAN -> primitive("boolean", optional, field);
            case INT16 -> primitive("int16", optional, field);
            case INT32 -> primitive("int32", optional, field);
            case INT64 -> primitive("int64", optional, field);
            case FLOAT32 -> primitive("float", optional, field);
            case FLOAT64 -> primitive("double", optional, field);
            case DECIMAL, STRING -> primitive("string", optional, field);
            case JSON, COMPOSITE -> named(primitive("string", optional, field), "io.debezium.data.Json");
            case ZONED_TIMESTAMP -> named(primitive("string", optional, field), "io.debezium.time.ZonedTimestamp");
            case UUID -> named(primitive("string", optional, field), "io.debezium.data.Uuid");
            case ARRAY -> primitive("array", optional, field);
        };
    }

    private static ObjectNode sourceSchema() {
        ObjectNode source = struct("io.debezium.connector.postgresql.Source", false, "source");
        source.putArray("fields")
                .add(primitive("string", false, "version")).add(primitive("string", false, "connector"))
                .add(primitive("string", false, "name")).add(primitive("int64", false, "ts_ms"))
                .add(primitive("string", true, "snapshot")).add(primitive("string", false, "db"))
                .add(primitive("string", true, "sequence")).add(primitive("string", false, "schema"))
                .add(primitive("string", false, "table")).add(primitive("int64", true, "txId"))
                .add(primitive("int64", true, "lsn"));
        return source;
    }

    private static ObjectNode struct(String name, boolean optional, String field) {
        ObjectNode schema = primitive("struct", optional, field);
        schema.put("name", name);
        return schema;
    }

    private static ObjectNode primitive(String type, boolean optional, String field) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", type);
        schema.put("optional", optional);
        if (field != null) {
            schema.put("field", field);
        }
        return schema;
    }

    private static ObjectNode named(ObjectNode schema, String name) {
        schema.put("name", name);
        schema.put("version", 1);
        return schema;
    }
}
