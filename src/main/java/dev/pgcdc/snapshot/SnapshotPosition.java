package dev.pgcdc.snapshot;

import dev.pgcdc.event.Position;

import java.util.Map;

import dev.pgcdc.event.TableId;

/**
 * A stream position together with the snapshot progress reached at that point of the output. The pipeline
 * confirms only the newest position whose events are all acknowledged, so each position carries the whole
 * progress (it only grows), never just the chunk that ended there.
 *
 * @param stream   the wrapped source's position, or null where only the snapshot moved on
 * @param progress every table's progress, immutable
 * @param onDemand the on-demand snapshots read in this run and their progress, by id, immutable (recorded in
 *                 the progress table only, not in the offsets topic)
 */
record SnapshotPosition(Position stream, Map<TableId, TableProgress> progress, Map<String, OnDemandRequest> onDemand) implements Position {

    SnapshotPosition(Position stream, Map<TableId, TableProgress> progress) {
        this(stream, progress, Map.of());
    }

    /** The form stored in the offsets topic by exactly-once capture, like the stream positions' own notation. */
    @Override
    public String toString() {
        return StoredPosition.format(this);
    }
}
