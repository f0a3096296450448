package dev.pgcdc.cli;

import dev.pgcdc.snapshot.SnapshotConfig;
import dev.pgcdc.snapshot.SnapshotMode;
import picocli.CommandLine.Option;

/** {@code capture}'s snapshot settings: when to snapshot existing rows, and how many rows and connections at a time. */
final class SnapshotOptions {

    @Option(names = "--snapshot", paramLabel = "MODE",
            description = "trigger, logical: when to snapshot the existing rows: initial (first start), no_data (never), "
                    + "initial_only (first start, then stop), when_needed (whenever the stream position is new), always. Default: initial")
    SnapshotMode snapshot;

    @Option(names = "--snapshot-chunk-rows", paramLabel = "N",
            description = "trigger, logical: rows per snapshot chunk, each read in a short transaction (default: 10000)")
    Integer snapshotChunkRows;

    @Option(names = "--snapshot-workers", paramLabel = "N",
            description = "trigger, logical: connections reading snapshot chunks at the same time, one large table split between them (default: the number of cores)")
    Integer snapshotWorkers;

    /** Any of them was set, on the command line, in the environment or in a config file. */
    boolean given() {
        return snapshot != null || snapshotChunkRows != null || snapshotWorkers != null;
    }

    SnapshotConfig toConfig() {
        SnapshotConfig defaults = SnapshotConfig.defaults();
        return new SnapshotConfig(snapshot, snapshotChunkRows == null ? defaults.chunkRows() : snapshotChunkRows,
                snapshotWorkers == null ? defaults.workers() : snapshotWorkers);
    }
}
