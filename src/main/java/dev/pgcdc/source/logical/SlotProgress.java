package dev.pgcdc.source.logical;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * When each slot's confirmed position last moved, which PostgreSQL does not keep: capture records it, at most
 * once per heartbeat, in {@code pgcdc.slot_progress}, and {@code status} reads it. The table is UNLOGGED:
 * its writes put no rows into WAL, so no publication (not even FOR ALL TABLES) streams them back, and a
 * server crash only forgets when the slot last moved.
 */
final class SlotProgress {

    static final String TABLE = "pgcdc.slot_progress";

    private SlotProgress() {
    }

    static void install(Statement statement) throws SQLException {
        statement.execute("CREATE SCHEMA IF NOT EXISTS pgcdc");
        statement.execute("CREATE UNLOGGED TABLE IF NOT EXISTS " + TABLE
                + " (slot_name text PRIMARY KEY, confirmed_lsn pg_lsn NOT NULL, advanced_at timestamptz NOT NULL)");
    }

    static void record(Connection connection, String slot, Lsn confirmed) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, ?::pg_lsn, now()) "
                + "ON CONFLICT (slot_name) DO UPDATE SET confirmed_lsn = excluded.confirmed_lsn, advanced_at = excluded.advanced_at")) {
            upsert.setString(1, slot);
            upsert.setString(2, confirmed.toString());
            upsert.executeUpdate();
        }
    }

    static void forget(Connection connection, String slot) throws SQLException {
        if (!exists(connection)) {
            return;
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE slot_name = ?")) {
            delete.setString(1, slot);
            delete.executeUpdate();
        }
    }

    /** Seconds since capture last saw the slot's confirmed position move; null when nothing was recorded. */
    static Double secondsSinceAdvanced(Connection connection, String slot) throws SQLException {
        if (!exists(connection)) {
            return null;
        }
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT extract(epoch FROM now() - advanced_at)::float8 FROM " + TABLE + " WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getDouble(1) : null;
            }
        }
    }

    private static boolean exists(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
            return rows.next() && rows.getBoolean(1);
        }
    }
}
