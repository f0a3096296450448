package dev.pgcdc.snapshot;

import dev.pgcdc.event.TableId;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Splits the tables to snapshot into key ranges of about {@code chunkRows} rows, one after the other, for any
 * number of workers to read in parallel: a whole table's chunks are handed out before the next table's, so
 * one large table keeps every worker busy. Boundaries come from index-only keyset queries (the key
 * {@code chunkRows} rows after the previous boundary), computed as workers ask, and never cover a range
 * recorded as completed: a resumed snapshot reads only the gaps.
 */
final class ChunkPlan {

    /** A key range of a table for one worker to read (in one chunk, or several when it has grown). */
    record Task(KeysetChunks chunks, KeyRange range) {
    }

    private final Deque<TableId> tables;
    private final Map<TableId, TableProgress> completed;
    private final String where;
    private final int chunkRows;
    private KeysetChunks current;
    /** Where the next range starts (null: at the first row); meaningful while {@code current} is set. */
    private List<String> position;
    /** The current table's completed ranges after {@code position}, in key order. */
    private Deque<KeyRange> skip;
    private boolean finished;

    /**
     * @param completed what is recorded as completed, by table (tables not in it start from nothing)
     * @param where     a filter on every table's rows, or null
     */
    ChunkPlan(List<TableId> tables, Map<TableId, TableProgress> completed, String where, int chunkRows) {
        this.tables = new ArrayDeque<>(tables);
        this.completed = Map.copyOf(completed);
        this.where = where;
        this.chunkRows = chunkRows;
    }

    /** The next range to read, or null when every range of every table is handed out. */
    synchronized Task next(Connection connection) throws SQLException {
        while (true) {
            if (current == null && !startNextTable(connection)) {
                return null;
            }
            KeyRange range = nextRange(connection);
            if (range != null) {
                return new Task(current, range);
            }
            current = null;
        }
    }

    /** The table being split now, for error messages; null between tables. */
    synchronized TableId currentTable() {
        return current == null ? tables.peek() : current.table();
    }

    private boolean startNextTable(Connection connection) throws SQLException {
        TableId table = tables.peek();
        if (table == null) {
            return false;
        }
        TableProgress progress = completed.getOrDefault(table, TableProgress.NOT_STARTED);
        KeysetChunks chunks = KeysetChunks.of(connection, table, where, chunkRows);
        tables.poll();
        current = chunks;
        finished = false;
        if (progress.done()) {
            position = null;
            skip = new ArrayDeque<>(List.of(KeyRange.WHOLE));
        } else {
            position = progress.lastKey();
            skip = new ArrayDeque<>(chunks.inKeyOrder(connection, progress.later()));
        }
        return true;
    }

    /** The next range of the current table, or null when it is all handed out. */
    private KeyRange nextRange(Connection connection) throws SQLException {
        while (!finished) {
            KeyRange done = skip.peek();
            if (done != null && Objects.equals(done.lo(), position)) {
                skip.poll();
                finished = done.hi() == null;
                position = done.hi();
                continue;
            }
            List<String> upTo = done == null ? null : done.lo();
            List<String> boundary = current.boundary(connection, position, upTo);
            KeyRange range = new KeyRange(position, boundary == null ? upTo : boundary);
            finished = range.hi() == null;
            position = range.hi();
            return range;
        }
        return null;
    }
}
