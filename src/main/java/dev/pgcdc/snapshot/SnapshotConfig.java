package dev.pgcdc.snapshot;

import dev.pgcdc.error.CdcException;

/**
 * How {@code capture} snapshots existing rows.
 *
 * @param mode      when to snapshot (flag {@code --snapshot}, default {@code initial})
 * @param chunkRows rows per chunk, each read in a short transaction of its own (flag {@code --snapshot-chunk-rows},
 *                  default 10,000)
 * @param workers   workers reading chunks at the same time, each with a connection of its own, one table split between them (flag
 *                  {@code --snapshot-workers}, default: the number of cores)
 */
public record SnapshotConfig(SnapshotMode mode, int chunkRows, int workers) {

    public static final int DEFAULT_CHUNK_ROWS = 10_000;

    public SnapshotConfig {
        mode = mode == null ? SnapshotMode.INITIAL : mode;
        if (chunkRows < 1 || chunkRows > 1_000_000) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--snapshot-chunk-rows must be between 1 and 1000000, got " + chunkRows);
        }
        if (workers < 1 || workers > 64) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--snapshot-workers must be between 1 and 64, got " + workers);
        }
    }

    /** The defaults: {@code initial}, 10,000 rows per chunk, one worker per core. */
    public static SnapshotConfig defaults() {
        return new SnapshotConfig(SnapshotMode.INITIAL, DEFAULT_CHUNK_ROWS, Runtime.getRuntime().availableProcessors());
    }
}
