package dev.pgcdc.event;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
        return RowKeys.of(row, keyColumns);
    }

    /** Debezium's {@code source.sequence}, a JSON array of strings as text, as Jackson writes it. */
    private static String sequence(List<String> positions) {
        StringBuilder text = new StringBuilder(48).append('[');
        for (String position : positions) {
            if (RowKeys.needsEscape(position)) {
                return Json.write(Json.mapper().valueToTree(positions));
            }
            text.append(text.length() == 1 ? "\"" : ",\"").append(position).append('"');
        }
        return text.append(']').toString();
    }

    /**
     * {@link #sequence} as the JSON string it is written as. Positions are digits, which need no escape: their
     * quotes are then escaped right here rather than by a second pass over the array's text.
     */
    private static StringBuilder sequenceString(StringBuilder json, List<String> positions) {
        for (String position : positions) {
            if (RowKeys.needsEscape(position)) {
                return string(json, sequence(positions));
            }
        }
        json.append("\"[");
        for (int i = 0; i < positions.size(); i++) {
            json.append(i == 0 ? "\\\"" : ",\\\"").append(positions.get(i)).append("\\\"");
        }
        return json.append("]\"");
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

    /**
     * The envelope as Jackson's generator writes it (compact, its string escapes), written straight into one
     * buffer: the generator cost more per event than the row's own encoding. The fields that never change
     * are escaped once.
     */
    private String value(RowChange change, long nowMillis, String snapshot) {
        StringBuilder json = new StringBuilder(320 + length(change.before()) + length(change.after()));
        json.append("{\"before\":").append(change.before() == null ? "null" : change.before());
        json.append(",\"after\":").append(change.after() == null ? "null" : change.after());
        json.append(",\"source\":{\"version\":");
        string(json, version).append(",\"connector\":\"" + CONNECTOR + "\",\"name\":");
        string(json, topicPrefix).append(",\"ts_ms\":").append(change.sourceTsMillis()).append(",\"snapshot\":");
        string(json, snapshot).append(",\"db\":");
        string(json, database).append(",\"sequence\":");
        sequenceString(json, change.sequence()).append(",\"schema\":");
        string(json, change.table().schema()).append(",\"table\":");
        string(json, change.table().table()).append(",\"txId\":").append(change.txId());
        if (change.lsn() != null) {
            json.append(",\"lsn\":").append(change.lsn().longValue());
        }
        json.append("},\"op\":");
        string(json, change.op().code());
        if (change.transaction() != null) {
            json.append(",\"transaction\":{\"id\":");
            string(json, change.transaction().id()).append(",\"total_order\":").append(change.transaction().totalOrder())
                    .append(",\"data_collection_order\":").append(change.transaction().dataCollectionOrder()).append('}');
        }
        if (!change.unavailableColumns().isEmpty()) {
            json.append(",\"" + UNAVAILABLE_COLUMNS + "\":[");
            for (int i = 0; i < change.unavailableColumns().size(); i++) {
                string(i == 0 ? json : json.append(','), change.unavailableColumns().get(i));
            }
            json.append(']');
        }
        return json.append(",\"ts_ms\":").append(nowMillis).append('}').toString();
    }

    /** A JSON string as Jackson writes it: most need no escape; the rest get Jackson's own. */
    private static StringBuilder string(StringBuilder json, String text) {
        json.append('"');
        if (RowKeys.needsEscape(text)) {
            json.append(JsonStringEncoder.getInstance().quoteAsString(text));
        } else {
            json.append(text);
        }
        return json.append('"');
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }
}
