package dev.pgcdc.snapshot;

import dev.pgcdc.event.TableId;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far a running snapshot is, per table: rows read so far and the estimate of all rows
 * ({@code pg_class.reltuples}). Written by the pipeline thread, read by the progress display: thread-safe.
 */
public final class SnapshotStatus {

    /** One table's line: rows read (emitted or superseded by the stream), the estimated total, whether it is done. */
    public record Table(TableId table, long rows, long estimated, boolean done) {
    }

    private final Map<TableId, Table> tables = new LinkedHashMap<>();
    private final long startedNanos = System.nanoTime();
    private final long rowsAtStart;

    SnapshotStatus(Map<TableId, TableProgress> start, Map<TableId, Long> estimates) {
        long resumed = 0;
        for (Map.Entry<TableId, TableProgress> entry : start.entrySet()) {
            TableProgress progress = entry.getValue();
            long estimate = Math.max(estimates.getOrDefault(entry.getKey(), 0L), progress.rows());
            tables.put(entry.getKey(), new Table(entry.getKey(), progress.rows(), estimate, progress.done()));
            resumed += progress.rows();
        }
        rowsAtStart = resumed;
    }

    synchronized void chunkEmitted(TableId table, int rows, boolean last) {
        Table before = tables.get(table);
        long done = before.rows() + rows;
        tables.put(table, new Table(table, done, last ? done : Math.max(before.estimated(), done), last));
    }

    public synchronized List<Table> tables() {
        return List.copyOf(tables.values());
    }

    public synchronized boolean done() {
        return tables.values().stream().allMatch(Table::done);
    }

    /** Rows per second read by this run (resumed rows not counted). */
    public synchronized double rowsPerSecond() {
        double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
        return (rows() - rowsAtStart) / seconds;
    }

    public synchronized long rows() {
        return tables.values().stream().mapToLong(Table::rows).sum();
    }

    public synchronized long estimated() {
        return tables.values().stream().mapToLong(Table::estimated).sum();
    }

    /** One line: tables, rows and rate. */
    public synchronized String summary() {
        return String.format("%d table(s), %,d row(s) in %.1f s (%,.0f rows/s)", tables.size(), rows(),
                (System.nanoTime() - startedNanos) / 1e9, rowsPerSecond());
    }
}
