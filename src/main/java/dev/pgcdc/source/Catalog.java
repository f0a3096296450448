package dev.pgcdc.source;

import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.TableId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Catalog lookups every capture mode needs. */
public final class Catalog {

    private Catalog() {
    }

    private static final String PRIMARY_KEY = """
            SELECT a.attname
            FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
            WHERE i.indrelid = %s AND i.indisprimary
            ORDER BY array_position(i.indkey::int2[], a.attnum)""";

    /** The table's primary-key columns in key order; empty when it has none or no longer exists. */
    public static List<String> primaryKey(Connection connection, TableId table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(PRIMARY_KEY.formatted("to_regclass(?)"))) {
            query.setString(1, table.quoted());
            return columnNames(query);
        }
    }

    /** The primary-key columns of the table with this oid, in key order; empty when it has none or no longer exists. */
    public static List<String> primaryKey(Connection connection, long tableOid) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(PRIMARY_KEY.formatted("?::oid"))) {
            query.setLong(1, tableOid);
            return columnNames(query);
        }
    }

    /**
     * A recursive query {@code holds(attname, typid, depth)} for {@link #typesHeldByColumns}; {@code %s} is the relation.
     */
    private static final String HOLDS = """
            holds(attname, typid, depth) AS (
                SELECT a.attname, a.atttypid, 0 FROM pg_attribute a
                WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped
              UNION ALL
                SELECT h.attname, n.typid, h.depth + 1
                FROM holds h JOIN pg_type t ON t.oid = h.typid
                CROSS JOIN LATERAL (
                    SELECT t.typbasetype WHERE t.typtype = 'd'
                    UNION ALL SELECT t.typelem WHERE t.typcategory = 'A' AND t.typelem <> 0
                    UNION ALL SELECT f.atttypid FROM pg_attribute f
                              WHERE t.typtype = 'c' AND f.attrelid = t.typrelid AND f.attnum > 0 AND NOT f.attisdropped
                ) n(typid)
                WHERE h.depth < 16
            )""";
    private static final String ZONED_TIMESTAMP_COLUMNS = "WITH RECURSIVE " + HOLDS + """

            SELECT DISTINCT attname FROM holds WHERE typid = 'timestamptz'::regtype ORDER BY 1""";

    /**
     * The common table expression {@code holds(attname, typid, depth)}, for a {@code WITH RECURSIVE} query: each column
     * of {@code relation} (an SQL expression giving its oid) with its type and every type that type holds, following
     * domains to their base type, arrays to their element type and composites to their fields.
     */
    public static String typesHeldByColumns(String relation) {
        return HOLDS.formatted(relation);
    }

    /** The columns of the table with this oid whose type is or holds {@code timestamptz}; empty when none or no table. */
    public static List<String> zonedTimestampColumns(Connection connection, long tableOid) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(ZONED_TIMESTAMP_COLUMNS.formatted("?::oid"))) {
            query.setLong(1, tableOid);
            return columnNames(query);
        }
    }

    /** The columns of the table whose type is or holds {@code timestamptz}; empty when none or no table. */
    public static List<String> zonedTimestampColumns(Connection connection, TableId table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(ZONED_TIMESTAMP_COLUMNS.formatted("to_regclass(?)"))) {
            query.setString(1, table.quoted());
            return columnNames(query);
        }
    }

    private static List<String> columnNames(PreparedStatement query) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                columns.add(rows.getString(1));
            }
        }
        return columns;
    }

    /** Fails with a one-line message naming {@code table} when it does not exist. */
    public static void requireTable(Connection connection, TableId table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT to_regclass(?)")) {
            query.setString(1, table.quoted());
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                if (rows.getString(1) == null) {
                    throw new CdcException(CdcException.Kind.CONFIGURATION, "table " + table + " does not exist in database '"
                            + currentDatabase(connection) + "': create it or fix --table");
                }
            }
        }
    }

    public static String currentDatabase(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT current_database()");
             ResultSet name = query.executeQuery()) {
            name.next();
            return name.getString(1);
        }
    }
}
