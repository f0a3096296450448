package dev.pgcdc.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text form of a {@link SnapshotPosition} that exactly-once capture stores in its offsets topic, in the
 * same Kafka transaction as the changes and snapshot rows it covers:
 * {@code {"stream":"0/16B3748","snapshot":[{"schema":"public","table":"t","completed":[[null,["42"]]],"rows":42}]}}
 * (each completed key range as {@code [lo, hi]}, null for an open end).
 * A stored position without a snapshot (plain stream notation, as written before snapshots were covered) reads
 * as a stream position with no snapshot progress.
 *
 * @param stream   the stream position in its own notation, or null when none was reached
 * @param progress the snapshot progress, or null when the stored text holds none
 */
record StoredPosition(String stream, Map<TableId, TableProgress> progress) {

    static String format(SnapshotPosition position) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("stream", position.stream() == null ? null : position.stream().toString());
        ArrayNode tables = root.putArray("snapshot");
        position.progress().forEach((table, state) -> {
            ObjectNode entry = tables.addObject().put("schema", table.schema()).put("table", table.table());
            ArrayNode completed = entry.putArray("completed");
            for (KeyRange range : state.completed()) {
                ArrayNode bounds = completed.addArray();
                addKey(bounds, range.lo());
                addKey(bounds, range.hi());
            }
            entry.put("rows", state.rows());
        });
        return Json.write(root);
    }

    /** Reads what {@link #format} wrote, or a plain stream position; null stays null. */
    static StoredPosition parse(String stored) {
        if (stored == null) {
            return new StoredPosition(null, null);
        }
        if (!stored.startsWith("{")) {
            return new StoredPosition(stored, null);
        }
        try {
            JsonNode root = Json.parse(stored);
            JsonNode stream = root.get("stream");
            Map<TableId, TableProgress> progress = new LinkedHashMap<>();
            for (JsonNode entry : root.get("snapshot")) {
                List<KeyRange> completed = new ArrayList<>();
                for (JsonNode range : entry.get("completed")) {
                    completed.add(new KeyRange(key(range.get(0)), key(range.get(1))));
                }
                progress.put(new TableId(entry.get("schema").asText(), entry.get("table").asText()),
                        new TableProgress(completed, entry.get("rows").asLong()));
            }
            return new StoredPosition(stream == null || stream.isNull() ? null : stream.asText(), progress);
        } catch (RuntimeException e) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "the position stored in the offsets topic is not one pgcdc"
                    + " wrote (" + e.getMessage() + "): " + stored, e);
        }
    }

    private static void addKey(ArrayNode bounds, List<String> key) {
        if (key == null) {
            bounds.addNull();
        } else {
            ArrayNode parts = bounds.addArray();
            key.forEach(parts::add);
        }
    }

    private static List<String> key(JsonNode bound) {
        if (bound.isNull()) {
            return null;
        }
        List<String> key = new ArrayList<>();
        for (JsonNode part : bound) {
            key.add(part.asText());
        }
        return key;
    }
}
