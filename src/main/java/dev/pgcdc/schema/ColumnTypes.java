package dev.pgcdc.schema;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.event.ColumnType;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The column types of captured tables, for the schemas of {@code json-with-schema}: read from the catalog
 * (domains resolved to their base type, arrays to their element type) on a connection of its own, once
 * per table and again when a row shows a column set the last reading did not have.
 */
final class ColumnTypes implements AutoCloseable {

    private static final String COLUMNS = """
            SELECT a.attname, NOT a.attnotnull, b.oid, b.typtype = 'c', b.typcategory = 'A' AND b.typelem <> 0, e.oid, e.typtype = 'c'
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
            LEFT JOIN pg_type e0 ON e0.oid = b.typelem AND b.typcategory = 'A'
            LEFT JOIN pg_type e ON e.oid = CASE WHEN e0.typtype = 'd' THEN e0.typbasetype ELSE e0.oid END
            WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum""";

    private final DatabaseConfig database;
    private final Map<TableId, List<ColumnType>> byTable = new HashMap<>();
    private Connection connection;

    ColumnTypes(DatabaseConfig database) {
        this.database = database;
    }

    /** The table's columns; read again when {@code rowColumns} (a row's column names, or null) differ from them. */
    List<ColumnType> of(TableId table, Set<String> rowColumns) {
        List<ColumnType> known = byTable.get(table);
        if (known == null || rowColumns != null && !rowColumns.equals(names(known))) {
            known = read(table);
            byTable.put(table, known);
        }
        return known;
    }

    private static Set<String> names(List<ColumnType> columns) {
        return Set.copyOf(columns.stream().map(ColumnType::name).toList());
    }

    private List<ColumnType> read(TableId table) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (connection == null || connection.isClosed()) {
                    connection = PostgresConnections.open(database, "pgcdc-schema");
                }
                return query(table);
            } catch (SQLException e) {
                close();
                if (attempt == 2) {
                    throw PostgresErrors.describe(e, database, "reading the column types of " + table);
                }
            }
        }
    }

    private List<ColumnType> query(TableId table) throws SQLException {
        List<ColumnType> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS)) {
            statement.setString(1, table.quoted());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    boolean array = rows.getBoolean(5);
                    ColumnType.Kind kind = array ? ColumnType.Kind.ARRAY : ColumnType.kindOf(rows.getInt(3), rows.getBoolean(4));
                    ColumnType.Kind element = array ? ColumnType.kindOf(rows.getInt(6), rows.getBoolean(7)) : null;
                    columns.add(new ColumnType(rows.getString(1), kind, element, rows.getBoolean(2)));
                }
            }
        }
        return columns;
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing a broken connection: nothing left to release
            }
            connection = null;
        }
    }
}
