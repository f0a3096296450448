package dev.pgcdc.source.logical;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Names the client streaming from a slot. The slot only knows its walsender's pid, which tells a user
 * nothing; the walsender's row in {@code pg_stat_activity} has the client's name, address and start time.
 */
final class SlotHolder {

    private SlotHolder() {
    }

    /** E.g. {@code process 24738 (application 'pgcdc-capture', client 10.0.0.5, connected since 2026-11-26 21:04:24 UTC)}. */
    static String describe(Connection connection, int pid) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT nullif(application_name, ''), coalesce(host(client_addr), 'local socket'),
                       to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
                FROM pg_stat_activity WHERE pid = ?""")) {
            query.setInt(1, pid);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return "process " + pid;
                }
                String application = rows.getString(1);
                return "process " + pid + " (application " + (application == null ? "unnamed" : "'" + application + "'")
                        + ", client " + rows.getString(2) + ", connected since " + rows.getString(3) + " UTC)";
            }
        }
    }
}
