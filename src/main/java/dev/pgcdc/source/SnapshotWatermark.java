package dev.pgcdc.source;

/**
 * How a snapshot's high watermark travels through a mode's change stream, so the source can report it in
 * stream order (see {@link Source#takeWatermarks}): in {@code logical} mode a logical
 * message with prefix {@link #MESSAGE_PREFIX}; in {@code trigger} mode a journal row of the pseudo-table
 * {@code pgcdc.}{@link #JOURNAL_TABLE}. Either carries the watermark's id as its text.
 */
public final class SnapshotWatermark {

    public static final String MESSAGE_PREFIX = "pgcdc.snapshot.watermark";
    public static final String JOURNAL_SCHEMA = "pgcdc";
    public static final String JOURNAL_TABLE = "snapshot_watermark";
    /** An on-demand snapshot request ({@code pgcdc snapshot}): JSON {@code {"table":"S.T","where":...}}. */
    public static final String SIGNAL_PREFIX = "pgcdc.snapshot.signal";
    public static final String JOURNAL_SIGNAL_TABLE = "snapshot_signal";

    private SnapshotWatermark() {
    }
}
