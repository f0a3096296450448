package dev.pgcdc.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes {@link RowChange}s as the events Debezium users know: topic {@code <prefix>.<schema>.<table>},
 * key = the primary-key columns as a JSON object, value = {@code before}, {@code after}, {@code source},
 * {@code op}, {@code ts_ms}. Row images are embedded as raw JSON, never re-encoded.
 *
 * @param topicPrefix Debezium's {@code topic.prefix}, also written as {@code source.name}
 * @param database    the captured database's name, written as {@code source.db}
 * @param version     pgcdc's version, written as {@code source.version}
 * @param tombstones  whether a delete is followed by a tombstone (same key, null value) for log compaction
 */
public record DebeziumEnvelope(String topicPrefix, String database, String version, boolean tombstones) {

    public static final String CONNECTOR = "pgcdc";
    /** Lists the columns missing from {@code after} because PostgreSQL did not send their unchanged TOASTed value. */
    public static final String UNAVAILABLE_COLUMNS = "unavailable_columns";
    /** On the delete (and its tombstone) of a key-changing update: the row's new key. Debezium's name. */
    public static final String NEW_KEY_HEADER = "__debezium.newkey";
    /** On the create of a key-changing update: the row's old key. Debezium's name. */
    public static final String OLD_KEY_HEADER = "__debezium.oldkey";

    public DebeziumEnvelope {
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(version, "version");
    }

    public String topic(TableId table) {
        return topicPrefix + "." + table.schema() + "." + table.table();
    }

    /**
     * The change's events: the change itself, then a tombstone for a delete when enabled. An update that
     * changes the key becomes what Debezium emits for it, so a compacted topic or a key-based sink drops the
     * old key: a delete keyed by the old key (with {@code before}) and its tombstone, both with header
     * {@link #NEW_KEY_HEADER}, then a create keyed by the new key (with {@code after}) with header
     * {@link #OLD_KEY_HEADER}. Only the last event carries {@code position}: the source must not confirm
     * a change while one of its events may still be lost.
     */
    public List<ChangeEvent> events(RowChange change, long nowMillis, Position position, List<Header> headers) {
        String topic = topic(change.table());
        String key = key(change);
        String oldKey = change.op() == RowChange.Op.UPDATE ? keyOf(change.before(), change.keyColumns()) : null;
        List<ChangeEvent> events = new ArrayList<>(3);
        if (oldKey != null && key != null && !oldKey.equals(key)) {
            List<Header> deleteHeaders = with(headers, NEW_KEY_HEADER, key);
            events.add(new ChangeEvent(topic, oldKey, value(asDelete(change), nowMillis), deleteHeaders, null));
            if (tombstones) {
                events.add(new ChangeEvent(topic, oldKey, null, deleteHeaders, null));
            }
            events.add(new ChangeEvent(topic, key, value(asCreate(change), nowMillis), with(headers, OLD_KEY_HEADER, oldKey), position));
            return events;
        }
        boolean tombstone = tombstones && change.op() == RowChange.Op.DELETE && key != null;
        events.add(new ChangeEvent(topic, key, value(change, nowMillis), headers, tombstone ? null : position));
        if (tombstone) {
            events.add(new ChangeEvent(topic, key, null, headers, position));
        }
        return events;
    }

    /**
     * A snapshot row's event, {@code source.snapshot} set to {@code snapshot} (Debezium's {@code first},
     * {@code true}, {@code last} or {@code incremental}). Same topic, key and value path as streamed changes.
     */
    public ChangeEvent snapshotEvent(RowChange read, String snapshot, long nowMillis, Position position) {
        if (read.op() != RowChange.Op.READ) {
            throw new IllegalArgumentException("a snapshot event needs op READ, got " + read.op());
        }
        return new ChangeEvent(topic(read.table()), key(read), value(read, nowMillis, snapshot), List.of(), position);
    }

    /** Where transaction BEGIN and END events go: {@code <prefix>.transaction}. */
    public String transactionTopic() {
        return topicPrefix + ".transaction";
    }

    /** Debezium's transaction BEGIN event, keyed by the transaction id. */
    public ChangeEvent transactionBegin(String id, long tsMillis, Position position) {
        return transactionEvent(id, "BEGIN", tsMillis, null, position);
    }

    /** Debezium's transaction END event, with how many events the transaction produced per table. */
    public ChangeEvent transactionEnd(String id, long tsMillis, Map<TableId, Long> eventsPerTable, Position position) {
        return transactionEvent(id, "END", tsMillis, eventsPerTable, position);
    }

    private ChangeEvent transactionEvent(String id, String status, long tsMillis, Map<TableId, Long> counts, Position position) {
        ObjectNode value = Json.mapper().createObjectNode();
        value.put("status", status);
        value.put("id", id);
        if (counts == null) {
            value.putNull("event_count");
            value.putNull("data_collections");
        } else {
            value.put("event_count", counts.values().stream().mapToLong(Long::longValue).sum());
            var collections = value.putArray("data_collections");
            counts.forEach((table, count) -> collections.addObject()
                    .put("data_collection", table.toString()).put("event_count", count));
        }
        value.put("ts_ms", tsMillis);
        ObjectNode key = Json.mapper().createObjectNode().put("id", id);
        return new ChangeEvent(transactionTopic(), Json.write(key), Json.write(value), List.of(), position);
    }

    /** {@code {"col":value,...}} of the primary-key columns, from the new row (old row for deletes); null without key. */
    String key(RowChange change) {
        return keyOf(change.after() != null ? change.after() : change.before(), change.keyColumns());
    }

    private static String keyOf(String row, List<String> keyColumns) {
        if (keyColumns.isEmpty() || row == null) {
            return null;
        }
        JsonNode parsed = Json.parse(row);
        ObjectNode key = Json.mapper().createObjectNode();
        for (String column : keyColumns) {
            JsonNode value = parsed.get(column);
            if (value == null) {
                return null;
            }
            key.set(column, value);
        }
        return Json.write(key);
    }

    private static RowChange asDelete(RowChange update) {
        return new RowChange(RowChange.Op.DELETE, update.table(), update.before(), null, update.keyColumns(), update.txId(),
                update.sourceTsMillis(), update.lsn(), update.sequence(), List.of(), update.transaction());
    }

    private static RowChange asCreate(RowChange update) {
        return new RowChange(RowChange.Op.CREATE, update.table(), null, update.after(), update.keyColumns(), update.txId(),
                update.sourceTsMillis(), update.lsn(), update.sequence(), update.unavailableColumns(), update.transaction());
    }

    private static List<Header> with(List<Header> headers, String name, String value) {
        List<Header> all = new ArrayList<>(headers);
        all.add(new Header(name, value));
        return all;
    }

    String value(RowChange change, long nowMillis) {
        return value(change, nowMillis, "false");
    }

    private String value(RowChange change, long nowMillis, String snapshot) {
        StringWriter text = new StringWriter(64 + length(change.before()) + length(change.after()));
        try (JsonGenerator json = Json.mapper().getFactory().createGenerator(text)) {
            json.writeStartObject();
            writeRaw(json, "before", change.before());
            writeRaw(json, "after", change.after());
            json.writeObjectFieldStart("source");
            json.writeStringField("version", version);
            json.writeStringField("connector", CONNECTOR);
            json.writeStringField("name", topicPrefix);
            json.writeNumberField("ts_ms", change.sourceTsMillis());
            json.writeStringField("snapshot", snapshot);
            json.writeStringField("db", database);
            json.writeStringField("sequence", Json.write(Json.mapper().valueToTree(change.sequence())));
            json.writeStringField("schema", change.table().schema());
            json.writeStringField("table", change.table().table());
            json.writeNumberField("txId", change.txId());
            if (change.lsn() != null) {
                json.writeNumberField("lsn", change.lsn());
            }
            json.writeEndObject();
            json.writeStringField("op", change.op().code());
            if (change.transaction() != null) {
                json.writeObjectFieldStart("transaction");
                json.writeStringField("id", change.transaction().id());
                json.writeNumberField("total_order", change.transaction().totalOrder());
                json.writeNumberField("data_collection_order", change.transaction().dataCollectionOrder());
                json.writeEndObject();
            }
            if (!change.unavailableColumns().isEmpty()) {
                json.writeArrayFieldStart(UNAVAILABLE_COLUMNS);
                for (String column : change.unavailableColumns()) {
                    json.writeString(column);
                }
                json.writeEndArray();
            }
            json.writeNumberField("ts_ms", nowMillis);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void writeRaw(JsonGenerator json, String field, String rawJson) throws IOException {
        json.writeFieldName(field);
        if (rawJson == null) {
            json.writeNull();
        } else {
            json.writeRawValue(rawJson);
        }
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }
}
