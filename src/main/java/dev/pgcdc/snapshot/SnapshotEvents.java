package dev.pgcdc.snapshot;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.Position;
import dev.pgcdc.event.RowChange;
import dev.pgcdc.event.TableId;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Builds a chunk's {@code "op":"r"} events on the worker that read it, so that the pipeline thread, which
 * every event of the capture goes through, only filters them and sends them. Every event is built with the
 * marker {@code "true"} (or {@code "incremental"}); the few that turn out to be a snapshot's first or last
 * get their marker at emission, with {@link #marked}.
 */
final class SnapshotEvents {

    private static final String MARKER_FIELD = ",\"snapshot\":\"";
    private static final String MARKER_END = "\",\"db\":";

    private final DebeziumEnvelope envelope;
    private final String marker;
    private final LongSupplier clock;

    SnapshotEvents(DebeziumEnvelope envelope, boolean incremental, LongSupplier clock) {
        this.envelope = envelope;
        this.marker = incremental ? "incremental" : "true";
        this.clock = clock;
    }

    String topic(TableId table) {
        return envelope.topic(table);
    }

    ChangeEvent read(TableId table, List<String> keyColumns, String row, long readAtMillis) {
        RowChange read = new RowChange(RowChange.Op.READ, table, null, row, keyColumns, 0, readAtMillis, null, List.of(), List.of(), null);
        return envelope.snapshotEvent(read, marker, clock.getAsLong(), null);
    }

    /**
     * The event with another {@code source.snapshot} marker and a position. The marker is spliced into the
     * text: the envelope writes {@code source} after {@code after}, and the fields that follow the marker
     * ({@code db}, {@code sequence}, {@code schema}, {@code table}) are JSON strings, which hold no bare
     * quote, so the last {@code ,"snapshot":"true","db":} of the text is the marker itself.
     */
    static ChangeEvent marked(ChangeEvent event, String newMarker, Position position) {
        String value = event.value();
        String current = MARKER_FIELD + "true" + MARKER_END;
        int at = value.lastIndexOf(current);
        if (at < 0) {
            throw new IllegalStateException("a snapshot event without its marker: " + value);
        }
        String marked = value.substring(0, at) + MARKER_FIELD + newMarker + MARKER_END + value.substring(at + current.length());
        return new ChangeEvent(event.topic(), event.key(), marked, event.headers(), position);
    }
}
