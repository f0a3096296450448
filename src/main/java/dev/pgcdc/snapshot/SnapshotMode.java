package dev.pgcdc.snapshot;

import java.util.Locale;

/**
 * When {@code capture} snapshots the existing rows, with Debezium's {@code snapshot.mode} names and meanings.
 * "First start" means: in {@code logical} mode the replication slot does not exist yet; in {@code trigger}
 * mode no snapshot was ever planned for the journal.
 */
public enum SnapshotMode {
    /** Snapshot on the first start, then stream; later starts only stream. The default. */
    INITIAL,
    /** Never snapshot: stream the changes made from now on (Debezium's former {@code schema_only}). */
    NO_DATA,
    /** Snapshot on the first start, then stop once every snapshot row is in Kafka. */
    INITIAL_ONLY,
    /** Snapshot whenever the stream's position is new: on the first start and after the slot was lost. */
    WHEN_NEEDED,
    /** Snapshot on every start, then stream. */
    ALWAYS;

    /** What a start does about the snapshot. */
    public enum Decision { SKIP, RESUME, START_NEW }

    /** What the progress table holds for this capture. */
    public enum Recorded { NOTHING, UNFINISHED, FINISHED }

    /** An interrupted snapshot always resumes from its next chunk, whatever the mode (but {@code no_data}). */
    public Decision decide(boolean firstStart, Recorded recorded) {
        if (this == NO_DATA) {
            return Decision.SKIP;
        }
        if (recorded == Recorded.UNFINISHED) {
            return Decision.RESUME;
        }
        return switch (this) {
            case INITIAL, INITIAL_ONLY -> firstStart && recorded == Recorded.NOTHING ? Decision.START_NEW : Decision.SKIP;
            case WHEN_NEEDED -> firstStart ? Decision.START_NEW : Decision.SKIP;
            case ALWAYS -> Decision.START_NEW;
            case NO_DATA -> Decision.SKIP;
        };
    }

    /** The name as written on the command line, e.g. {@code initial_only}. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
