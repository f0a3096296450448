package dev.pgcdc.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The durable record of a snapshot's completed chunks: table {@code pgcdc.snapshot_progress}, one row per
 * capture and table with the last key up to which every chunk is completed ({@code last_key}) and the
 * completed key ranges after it ({@code later_chunks}, {@code [[lo, hi], ...]}: chunks that parallel workers
 * finished before the ones in between). Written only once Kafka has acknowledged a chunk's rows, so a restart
 * (even after {@code kill -9}) reads only the chunks not recorded.
 */
final class ProgressStore {

    private static final String DDL = """
            CREATE TABLE IF NOT EXISTS pgcdc.snapshot_progress (
                capture      text   NOT NULL,
                table_schema name   NOT NULL,
                table_name   name   NOT NULL,
                last_key     text[],
                rows_done    bigint NOT NULL DEFAULT 0,
                done         boolean NOT NULL DEFAULT false,
                updated_at   timestamptz NOT NULL DEFAULT now(),
                later_chunks jsonb,
                condition    text,
                not_running  text,
                PRIMARY KEY (capture, table_schema, table_name))""";

    private final String capture;

    /**
     * @param capture which capture the rows belong to, e.g. {@code logical:pgcdc} (a slot) or {@code trigger}
     */
    ProgressStore(String capture) {
        this.capture = capture;
    }

    static boolean installed(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet exists = statement.executeQuery("SELECT to_regclass('pgcdc.snapshot_progress') IS NOT NULL")) {
            exists.next();
            return exists.getBoolean(1);
        }
    }

    /** Creates the table when missing; an advisory lock serialises captures starting at once. */
    static void install(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(hashtext('pgcdc.snapshot_progress'))");
            // Not CREATE SCHEMA IF NOT EXISTS: that needs CREATE on the database even when the schema exists.
            try (ResultSet missing = statement.executeQuery("SELECT to_regnamespace('pgcdc') IS NULL")) {
                missing.next();
                if (missing.getBoolean(1)) {
                    statement.execute("CREATE SCHEMA pgcdc");
                }
            }
            statement.execute(DDL);
            // Tables created by earlier versions lack later columns; checked first, so a capture role that does not
            // own the table needs nothing more once they are there.
            for (String column : List.of("later_chunks jsonb", "condition text", "not_running text")) {
                try (PreparedStatement missing = connection.prepareStatement("""
                        SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'pgcdc.snapshot_progress'::regclass
                                           AND attname = ? AND NOT attisdropped)""")) {
                    missing.setString(1, column.substring(0, column.indexOf(' ')));
                    try (ResultSet result = missing.executeQuery()) {
                        result.next();
                        if (result.getBoolean(1)) {
                            statement.execute("ALTER TABLE pgcdc.snapshot_progress ADD COLUMN " + column);
                        }
                    }
                }
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The name its rows are recorded under, e.g. {@code logical:pgcdc}. */
    String capture() {
        return capture;
    }

    /** What is recorded for this capture, by table, in schema and name order. */
    Map<TableId, TableProgress> load(Connection connection) throws SQLException {
        Map<TableId, TableProgress> tables = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT table_schema, table_name, last_key, rows_done, done, later_chunks::text FROM pgcdc.snapshot_progress
                WHERE capture = ? ORDER BY 1, 2""")) {
            query.setString(1, capture);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.put(new TableId(rows.getString(1), rows.getString(2)), progress(rows));
                }
            }
        }
        return tables;
    }

    /**
     * This capture's on-demand snapshots that are recorded and not done, oldest first: each is recorded under
     * {@code <capture> on-demand <id>} (see {@link OnDemandRequest#store}), with its condition.
     */
    List<OnDemandRequest> loadOnDemand(Connection connection) throws SQLException {
        String prefix = OnDemandRequest.capturePrefix(capture);
        List<OnDemandRequest> requests = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT table_schema, table_name, last_key, rows_done, done, later_chunks::text, capture, condition
                FROM pgcdc.snapshot_progress WHERE left(capture, length(?)) = ? AND NOT done ORDER BY updated_at, capture""")) {
            query.setString(1, prefix);
            query.setString(2, prefix);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    requests.add(new OnDemandRequest(rows.getString(7).substring(prefix.length()), new TableId(rows.getString(1),
                            rows.getString(2)), rows.getString(8), progress(rows)));
                }
            }
        }
        return requests;
    }

    /** Whether an on-demand snapshot of this id is recorded for the capture (in progress or done). */
    boolean hasOnDemand(Connection connection, String id) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pgcdc.snapshot_progress WHERE capture = ?")) {
            query.setString(1, OnDemandRequest.capturePrefix(capture) + id);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static TableProgress progress(ResultSet rows) throws SQLException {
        Array key = rows.getArray(3);
        List<KeyRange> completed = new ArrayList<>();
        if (rows.getBoolean(5)) {
            completed.add(KeyRange.WHOLE);
        } else {
            if (key != null) {
                completed.add(new KeyRange(null, Arrays.asList((String[]) key.getArray())));
            }
            completed.addAll(ranges(rows.getString(6)));
        }
        return new TableProgress(completed, rows.getLong(4));
    }

    /** Starts a new snapshot of {@code tables}: forgets what was recorded before. */
    void plan(Connection connection, List<TableId> tables) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM pgcdc.snapshot_progress WHERE capture = ?")) {
            delete.setString(1, capture);
            delete.executeUpdate();
        }
        save(connection, tables.stream().collect(LinkedHashMap::new, (m, t) -> m.put(t, TableProgress.NOT_STARTED), Map::putAll));
    }

    /**
     * Says why this capture's unfinished snapshot does not run (null: it runs again), for {@code status}: without
     * it, a plan recorded by a start that then ran with {@code --snapshot no_data} reads as in progress forever.
     */
    void notRunning(Connection connection, String reason) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE pgcdc.snapshot_progress SET not_running = ? WHERE capture = ? AND NOT done
                AND not_running IS DISTINCT FROM ?""")) {
            update.setString(1, reason);
            update.setString(2, capture);
            update.setString(3, reason);
            update.executeUpdate();
        }
    }

    /** Records these tables' progress. */
    void save(Connection connection, Map<TableId, TableProgress> tables) throws SQLException {
        save(connection, tables, null);
    }

    /** Records these tables' progress, of the rows {@code condition} selects (null: every row). */
    void save(Connection connection, Map<TableId, TableProgress> tables, String condition) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO pgcdc.snapshot_progress (capture, table_schema, table_name, last_key, rows_done, done, later_chunks, condition)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?)
                ON CONFLICT (capture, table_schema, table_name) DO UPDATE
                SET last_key = excluded.last_key, rows_done = excluded.rows_done, done = excluded.done,
                    later_chunks = excluded.later_chunks, condition = excluded.condition, not_running = NULL, updated_at = now()""")) {
            for (Map.Entry<TableId, TableProgress> entry : tables.entrySet()) {
                TableProgress progress = entry.getValue();
                upsert.setString(1, capture);
                upsert.setString(2, entry.getKey().schema());
                upsert.setString(3, entry.getKey().table());
                upsert.setArray(4, progress.lastKey() == null ? null : connection.createArrayOf("text", progress.lastKey().toArray()));
                upsert.setLong(5, progress.rows());
                upsert.setBoolean(6, progress.done());
                upsert.setString(7, progress.later().isEmpty() ? null : Json.write(Json.mapper().valueToTree(progress.later().stream()
                        .map(range -> Arrays.asList(range.lo(), range.hi())).toList())));
                upsert.setString(8, condition);
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    private static List<KeyRange> ranges(String json) {
        List<KeyRange> ranges = new ArrayList<>();
        if (json != null) {
            for (JsonNode range : Json.parse(json)) {
                ranges.add(new KeyRange(key(range.get(0)), key(range.get(1))));
            }
        }
        return ranges;
    }

    private static List<String> key(JsonNode values) {
        if (values == null || values.isNull()) {
            return null;
        }
        List<String> key = new ArrayList<>();
        values.forEach(value -> key.add(value.asText()));
        return key;
    }
}
