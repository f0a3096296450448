package dev.pgcdc.snapshot;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@code status} says about snapshots: each capture's tables from {@code pgcdc.snapshot_progress}, as recorded. */
public final class ProgressReport {

    private ProgressReport() {
    }

    /** One line per capture and table; a single line when no snapshot was ever recorded. */
    public static List<String> lines(DatabaseConfig database) {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-status")) {
            if (!ProgressStore.installed(connection)) {
                return List.of("snapshot: none recorded");
            }
            List<String> lines = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("""
                    SELECT p.capture, p.table_schema || '.' || p.table_name, p.rows_done, p.done,
                           greatest(coalesce(c.reltuples, 0), p.rows_done)::bigint, extract(epoch FROM now() - p.updated_at)
                    FROM pgcdc.snapshot_progress p
                    LEFT JOIN pg_class c ON c.oid = to_regclass(quote_ident(p.table_schema) || '.' || quote_ident(p.table_name))
                    ORDER BY 1, 2""");
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    long done = rows.getLong(3);
                    long estimated = Math.max(1, rows.getLong(5));
                    lines.add(String.format(Locale.ROOT, "snapshot (%s): %s %s, %,d of about %,d row(s) (%d%%), recorded %.0f s ago",
                            rows.getString(1), rows.getString(2), rows.getBoolean(4) ? "done" : "in progress", done, estimated,
                            rows.getBoolean(4) ? 100 : Math.min(100, done * 100 / estimated), rows.getDouble(6)));
                }
            }
            return lines.isEmpty() ? List.of("snapshot: none recorded") : lines;
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "reading the snapshot progress");
        }
    }
}
