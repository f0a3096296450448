package dev.pgcdc.snapshot;

import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.Catalog;
import dev.pgcdc.source.PostgresConnections;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Reads a table in primary-key order, one chunk at a time: keyset pagination ({@code WHERE (k1, k2) > (...)
 * ORDER BY k1, k2 LIMIT n}), never {@code OFFSET}, so each chunk costs an index range scan wherever it is.
 * Each chunk is one short read-only transaction streamed through a cursor; a chunk stops early once it holds
 * {@link #MAX_CHUNK_CHARS} of row text, so a few huge rows never need more memory than that.
 */
final class KeysetChunks {

    /** About 16 MB of row text per chunk (Java strings of mostly Latin-1 text; each event adds its envelope, ~300 bytes). */
    static final long MAX_CHUNK_CHARS = 16L * 1024 * 1024;
    private static final int FETCH_SIZE = 1_000;
    private static final String KEY_TYPES = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
            WHERE i.indrelid = to_regclass(?) AND i.indisprimary
            ORDER BY array_position(i.indkey::int2[], a.attnum)""";

    private final TableId table;
    private final List<String> keyColumns;
    private final List<String> keyTypes;
    private final String keys;
    private final String select;
    private final String boundaryHead;
    private final String boundaryTail;
    private final String filter;
    private final int chunkRows;
    private final Set<String> zonedColumns;

    private KeysetChunks(TableId table, List<String> keyColumns, List<String> keyTypes, String where, int chunkRows,
                         Set<String> zonedColumns) {
        this.zonedColumns = zonedColumns;
        this.table = table;
        this.keyColumns = List.copyOf(keyColumns);
        this.keyTypes = List.copyOf(keyTypes);
        this.chunkRows = chunkRows;
        // Qualified: a bare name in ORDER BY would pick the ::text output column of the same name.
        this.keys = String.join(", ", keyColumns.stream().map(c -> "t." + PostgresConnections.quoteIdentifier(c)).toList());
        String keyText = String.join(", ", keyColumns.stream().map(c -> "t." + PostgresConnections.quoteIdentifier(c) + "::text").toList());
        this.select = "SELECT row_to_json(t)::text, " + keyText + " FROM " + table.quoted() + " t WHERE true";
        this.filter = where == null ? "" : " AND (" + where + ")";
        // Index-only keyset: the n-th key after a bound, as the last of the first n keys (never OFFSET).
        this.boundaryHead = "SELECT " + String.join(", ", keyColumns.stream().map(c -> "s." + PostgresConnections.quoteIdentifier(c) + "::text").toList())
                + ", count(*) OVER () FROM (SELECT " + keys + " FROM " + table.quoted() + " t WHERE true";
        this.boundaryTail = " ORDER BY " + keys + " LIMIT ?) s ORDER BY "
                + String.join(", ", keyColumns.stream().map(c -> "s." + PostgresConnections.quoteIdentifier(c) + " DESC").toList()) + " LIMIT 1";
    }

    /**
     * Looks the table's primary key up.
     *
     * @throws CdcException when the table has no primary key (chunks are primary-key ranges)
     */
    static KeysetChunks of(Connection connection, TableId table, String where, int chunkRows) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(KEY_TYPES)) {
            query.setString(1, table.quoted());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                    types.add(rows.getString(2));
                }
            }
        }
        if (columns.isEmpty()) {
            throw noPrimaryKey(table);
        }
        return new KeysetChunks(table, columns, types, where, chunkRows, Set.copyOf(Catalog.zonedTimestampColumns(connection, table)));
    }

    static CdcException noPrimaryKey(TableId table) {
        return new CdcException(CdcException.Kind.CONFIGURATION, "cannot snapshot table " + table
                + ": it has no primary key (snapshot chunks are primary-key ranges); add a primary key, or start with --snapshot no_data");
    }

    /**
     * Pins the settings that change row_to_json's text, as the trigger journal and the logical decoder do, and
     * makes each commit (a watermark's) flush the WAL, so the stream sees it at once.
     */
    static void prepareSession(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET synchronous_commit = on");
            statement.execute("SET TimeZone = 'UTC'");
            statement.execute("SET IntervalStyle = 'postgres'");
            statement.execute("SET extra_float_digits = 1");
            statement.execute("SET bytea_output = 'hex'");
        }
    }

    List<String> keyColumns() {
        return keyColumns;
    }

    TableId table() {
        return table;
    }

    /**
     * Where the chunk after {@code after} should end: the key {@code chunkRows} rows later, or null when fewer
     * rows than that are left up to {@code upTo} (then the chunk runs to {@code upTo}).
     */
    List<String> boundary(Connection connection, List<String> after, List<String> upTo) throws SQLException {
        KeyRange range = new KeyRange(after, upTo);
        try (PreparedStatement query = connection.prepareStatement(boundaryHead + condition(range) + filter + boundaryTail)) {
            int parameter = bind(query, range);
            query.setInt(parameter, chunkRows);
            try (ResultSet result = query.executeQuery()) {
                if (!result.next() || result.getLong(keyColumns.size() + 1) < chunkRows) {
                    return null;
                }
                List<String> key = new ArrayList<>(keyColumns.size());
                for (int i = 1; i <= keyColumns.size(); i++) {
                    key.add(result.getString(i));
                }
                return key;
            }
        }
    }

    /** These disjoint ranges sorted by key (the database compares: only it knows the key's types). */
    List<KeyRange> inKeyOrder(Connection connection, List<KeyRange> ranges) throws SQLException {
        if (ranges.size() < 2) {
            return ranges;
        }
        String row = "(?::int, " + String.join(", ", keyTypes.stream().map(type -> "?::" + type).toList()) + ")";
        String columns = String.join(", ", IntStream.rangeClosed(1, keyTypes.size()).mapToObj(i -> "k" + i).toList());
        String sql = "SELECT i FROM (VALUES " + String.join(", ", Collections.nCopies(ranges.size(), row)) + ") v(i, " + columns
                + ") ORDER BY " + columns;
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            int parameter = 1;
            for (int i = 0; i < ranges.size(); i++) {
                query.setInt(parameter++, i);
                for (String value : ranges.get(i).lo()) {
                    query.setString(parameter++, value);
                }
            }
            List<KeyRange> sorted = new ArrayList<>(ranges.size());
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    sorted.add(ranges.get(result.getInt(1)));
                }
            }
            return sorted;
        }
    }

    /**
     * The first chunk of {@code range}, in its own read-only transaction: at most {@code chunkRows} rows, fewer
     * when they reach the memory bound; {@link Chunk#rest()} says what is left of the range. Each row becomes
     * its event here, on the reading worker's thread.
     */
    Chunk read(Connection connection, KeyRange range, SnapshotEvents events) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement query = connection.prepareStatement(select + condition(range) + filter + " ORDER BY " + keys + " LIMIT ?")) {
            query.setFetchSize(FETCH_SIZE);
            int parameter = bind(query, range);
            query.setInt(parameter, chunkRows);
            List<ChangeEvent> rows = new ArrayList<>();
            long readAt = System.currentTimeMillis();
            List<String> lastKey = null;
            long chars = 0;
            boolean full = false;
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    // timestamptz values as streamed changes carry them: UTC with a Z
                    String row = RowTimestamps.inColumns(result.getString(1), zonedColumns);
                    rows.add(events.read(table, keyColumns, row, readAt));
                    chars += row.length();
                    lastKey = new ArrayList<>(keyColumns.size());
                    for (int i = 0; i < keyColumns.size(); i++) {
                        lastKey.add(result.getString(2 + i));
                    }
                    if (chars >= MAX_CHUNK_CHARS) {
                        full = true;
                        break;
                    }
                }
            }
            connection.commit();
            boolean more = full || rows.size() >= chunkRows;
            KeyRange covered = more ? new KeyRange(range.lo(), lastKey) : range;
            KeyRange rest = more && !lastKey.equals(range.hi()) ? new KeyRange(lastKey, range.hi()) : null;
            return new Chunk(table, rows, covered, rest);
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private String condition(KeyRange range) {
        String params = "(" + String.join(", ", keyTypes.stream().map(type -> "?::" + type).toList()) + ")";
        return (range.lo() == null ? "" : " AND (" + keys + ") > " + params) + (range.hi() == null ? "" : " AND (" + keys + ") <= " + params);
    }

    private static int bind(PreparedStatement query, KeyRange range) throws SQLException {
        int parameter = 1;
        for (List<String> bound : Arrays.asList(range.lo(), range.hi())) {
            if (bound != null) {
                for (String value : bound) {
                    query.setString(parameter++, value);
                }
            }
        }
        return parameter;
    }
}
