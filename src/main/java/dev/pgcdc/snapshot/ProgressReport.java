package dev.pgcdc.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.event.Json;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;

import java.sql.Array;
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

    /**
     * One table of a capture's snapshot as recorded.
     *
     * @param rowsDone      rows of every completed chunk: the prefix up to {@code lastKey} and the later ranges
     * @param lastKey       the key up to which every chunk is done, null when the first chunk is not
     * @param laterRanges   completed key ranges after {@code lastKey} (chunks other workers finished first)
     * @param secondsSinceRecorded how long ago the capture last recorded this table's progress
     * @param notRunning    why the capture's last start does not run this unfinished snapshot, or null
     */
    public record Table(String capture, String table, long rowsDone, long rowsEstimated, boolean done, List<String> lastKey,
                        int laterRanges, double secondsSinceRecorded, String notRunning) {

        public Table {
            lastKey = lastKey == null ? null : List.copyOf(lastKey);
            notRunning = done ? null : notRunning;
        }

        public Table(String capture, String table, long rowsDone, long rowsEstimated, boolean done, List<String> lastKey,
                     int laterRanges, double secondsSinceRecorded) {
            this(capture, table, rowsDone, rowsEstimated, done, lastKey, laterRanges, secondsSinceRecorded, null);
        }

        /** {@code done}, {@code in_progress}, or {@code not_running} (the capture started without running it). */
        public String state() {
            return done ? "done" : notRunning != null ? "not_running" : "in_progress";
        }

        /** Done rows as a share of the estimate (100 once done). */
        public long percent() {
            return done ? 100 : Math.min(100, rowsDone * 100 / Math.max(1, rowsEstimated));
        }

        /** The line {@code status} prints. */
        public String line() {
            String later = done || laterRanges == 0 ? "" : String.format(Locale.ROOT, " (and %d later key range(s) done)", laterRanges);
            if (notRunning != null) {
                String where = rowsDone == 0 ? "not started" : String.format(Locale.ROOT, "stopped at %,d of about %,d row(s) (%d%%)%s",
                        rowsDone, Math.max(1, rowsEstimated), percent(), later);
                return String.format(Locale.ROOT, "snapshot (%s): %s %s: %s, recorded %.0f s ago", capture, table, where, notRunning,
                        secondsSinceRecorded);
            }
            return String.format(Locale.ROOT, "snapshot (%s): %s %s, %,d of about %,d row(s) (%d%%)%s, recorded %.0f s ago",
                    capture, table, done ? "done" : "in progress", rowsDone, Math.max(1, rowsEstimated), percent(), later,
                    secondsSinceRecorded);
        }
    }

    /** One line per capture and table; a single line when no snapshot was ever recorded. */
    public static List<String> lines(List<Table> tables) {
        return tables.isEmpty() ? List.of("snapshot: none recorded") : tables.stream().map(Table::line).toList();
    }

    /** Every capture's tables, by capture and table name; empty when no snapshot was ever recorded. */
    public static List<Table> tables(DatabaseConfig database) {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-status")) {
            if (!ProgressStore.installed(connection)) {
                return List.of();
            }
            List<Table> tables = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement("""
                    SELECT p.capture, p.table_schema || '.' || p.table_name, p.rows_done, p.done,
                           greatest(coalesce(c.reltuples, 0), p.rows_done)::bigint, extract(epoch FROM now() - p.updated_at),
                           p.last_key, coalesce(p.later_chunks, '[]')::text, to_jsonb(p) ->> 'not_running'
                    FROM pgcdc.snapshot_progress p
                    LEFT JOIN pg_class c ON c.oid = to_regclass(quote_ident(p.table_schema) || '.' || quote_ident(p.table_name))
                    ORDER BY 1, 2""");
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Array key = rows.getArray(7);
                    JsonNode later = Json.parse(rows.getString(8));
                    tables.add(new Table(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getLong(5), rows.getBoolean(4),
                            key == null ? null : List.of((String[]) key.getArray()), later.size(), rows.getDouble(6),
                            rows.getString(9)));
                }
            }
            return tables;
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "reading the snapshot progress");
        }
    }
}
