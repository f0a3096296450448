package dev.pgcdc.snapshot;

import dev.pgcdc.event.TableId;

/**
 * One on-demand snapshot ({@code pgcdc snapshot}) and how far Kafka has acknowledged it. It is recorded in
 * {@code pgcdc.snapshot_progress} under its own capture name, {@code <capture> on-demand <id>}, when capture reads
 * the request, so a capture stopped in any way resumes it from its next chunk; the id (the requesting command's)
 * tells a request read again after a restart from a new one.
 *
 * @param id       the request's id, unique per request
 * @param where    the condition on the table's rows, or null for every row
 * @param progress the completed chunks, as for an initial snapshot's table
 */
record OnDemandRequest(String id, TableId table, String where, TableProgress progress) {

    private static final String ON_DEMAND = " on-demand ";

    OnDemandRequest withProgress(TableProgress next) {
        return new OnDemandRequest(id, table, where, next);
    }

    /** Where it is recorded, for the capture that {@code captureStore} records. */
    ProgressStore store(ProgressStore captureStore) {
        return new ProgressStore(capturePrefix(captureStore.capture()) + id);
    }

    static String capturePrefix(String capture) {
        return capture + ON_DEMAND;
    }
}
