package dev.pgcdc.snapshot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.Catalog;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;
import dev.pgcdc.source.SnapshotWatermark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Asks a running capture to snapshot a table (or the rows of it a filter selects) while it streams: the
 * request travels through the change stream itself, as a logical message ({@code logical}) or a journal row
 * ({@code trigger}), so the capture reads it in order and needs no other channel.
 */
public final class SnapshotSignal {

    private SnapshotSignal() {
    }

    /**
     * Checks the table (exists, has a primary key, the filter is valid SQL for it) and sends the request.
     *
     * @param logical {@code logical} mode (else {@code trigger})
     * @param where   an SQL condition on the table's columns, or null for every row
     */
    public static void send(DatabaseConfig database, boolean logical, TableId table, String where) {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-snapshot")) {
            Catalog.requireTable(connection, table);
            if (Catalog.primaryKey(connection, table).isEmpty()) {
                throw KeysetChunks.noPrimaryKey(table);
            }
            if (where != null) {
                try (PreparedStatement check = connection.prepareStatement("EXPLAIN SELECT 1 FROM " + table.quoted() + " WHERE " + where)) {
                    check.execute();
                }
            }
            // The id tells the capture a request it reads again after a restart from a new one (see OnDemandRequest).
            ObjectNode request = Json.mapper().createObjectNode().put("id", UUID.randomUUID().toString()).put("table", table.toString());
            if (where != null) {
                request.put("where", where);
            }
            String sql = logical ? "SELECT pg_logical_emit_message(true, ?, ?)"
                    : "INSERT INTO pgcdc.journal (tx_id, table_schema, table_name, op, new_row) VALUES (txid_current(), '"
                    + SnapshotWatermark.JOURNAL_SCHEMA + "', ?, 'c', ?::json)";
            try (PreparedStatement send = connection.prepareStatement(sql)) {
                send.setString(1, logical ? SnapshotWatermark.SIGNAL_PREFIX : SnapshotWatermark.JOURNAL_SIGNAL_TABLE);
                send.setString(2, Json.write(request));
                send.execute();
            }
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "asking for a snapshot of " + table);
        }
    }
}
