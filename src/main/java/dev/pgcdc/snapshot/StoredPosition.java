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
 * {@code {"stream":"0/16B3748","snapshot":[{"schema":"public","table":"t","lastKey":["42"],"rows":42,"done":false}]}}.
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
            if (state.lastKey() == null) {
                entry.putNull("lastKey");
            } else {
                ArrayNode key = entry.putArray("lastKey");
                state.lastKey().forEach(key::add);
            }
            entry.put("rows", state.rows()).put("done", state.done());
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
                JsonNode key = entry.get("lastKey");
                List<String> lastKey = null;
                if (!key.isNull()) {
                    lastKey = new ArrayList<>();
                    for (JsonNode part : key) {
                        lastKey.add(part.asText());
                    }
                }
                progress.put(new TableId(entry.get("schema").asText(), entry.get("table").asText()),
                        new TableProgress(lastKey, entry.get("rows").asLong(), entry.get("done").asBoolean()));
            }
            return new StoredPosition(stream == null || stream.isNull() ? null : stream.asText(), progress);
        } catch (RuntimeException e) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "the position stored in the offsets topic is not one pgcdc"
                    + " wrote (" + e.getMessage() + "): " + stored, e);
        }
    }
}
