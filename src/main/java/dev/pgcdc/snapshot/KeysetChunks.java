package dev.pgcdc.snapshot;

import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.TableId;
import dev.pgcdc.event.ZonedTimestamps;
import dev.pgcdc.source.Catalog;
import dev.pgcdc.source.PostgresConnections;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a table in primary-key order, one chunk at a time: keyset pagination ({@code WHERE (k1, k2) > (...)
 * ORDER BY k1, k2 LIMIT n}), never {@code OFFSET}, so each chunk costs an index range scan wherever it is.
 * Each chunk is one short read-only transaction streamed through a cursor; a chunk stops early once it holds
 * {@link #MAX_CHUNK_CHARS} of row text, so a few huge rows never need more memory than that.
 */
final class KeysetChunks {

    /** About 16 MB of row text per chunk (Java strings of mostly Latin-1 text). */
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
    private final String firstQuery;
    private final String nextQuery;
    private final int chunkRows;
    private final Set<String> zonedColumns;

    private KeysetChunks(TableId table, List<String> keyColumns, List<String> keyTypes, String where, int chunkRows,
                         Set<String> zonedColumns) {
        this.zonedColumns = zonedColumns;
        this.table = table;
        this.keyColumns = List.copyOf(keyColumns);
        this.chunkRows = chunkRows;
        // Qualified: a bare name in ORDER BY would pick the ::text output column of the same name.
        String keys = String.join(", ", keyColumns.stream().map(c -> "t." + PostgresConnections.quoteIdentifier(c)).toList());
        String keyText = String.join(", ", keyColumns.stream().map(c -> "t." + PostgresConnections.quoteIdentifier(c) + "::text").toList());
        String params = String.join(", ", keyTypes.stream().map(type -> "?::" + type).toList());
        String select = "SELECT row_to_json(t)::text, " + keyText + " FROM " + table.quoted() + " t WHERE ";
        String filter = where == null ? "" : " AND (" + where + ")";
        this.firstQuery = select + "true" + filter + " ORDER BY " + keys + " LIMIT ?";
        this.nextQuery = select + "(" + keys + ") > (" + params + ")" + filter + " ORDER BY " + keys + " LIMIT ?";
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

    /** The chunk after {@code afterKey} (null: from the start), in its own read-only transaction. */
    Chunk read(Connection connection, List<String> afterKey) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement query = connection.prepareStatement(afterKey == null ? firstQuery : nextQuery)) {
            query.setFetchSize(FETCH_SIZE);
            int parameter = 1;
            if (afterKey != null) {
                for (String value : afterKey) {
                    query.setString(parameter++, value);
                }
            }
            query.setInt(parameter, chunkRows);
            List<String> rows = new ArrayList<>();
            List<String> lastKey = afterKey;
            long chars = 0;
            boolean full = false;
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    // timestamptz values as streamed changes carry them: UTC with a Z
                    String row = ZonedTimestamps.inColumns(result.getString(1), zonedColumns);
                    rows.add(row);
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
            boolean last = !full && rows.size() < chunkRows;
            return new Chunk(table, keyColumns, rows, lastKey, last, System.currentTimeMillis());
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
