package dev.pgcdc.source;

import dev.pgcdc.config.DatabaseConfig;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a running capture's count of skipped truncates visible to {@code pgcdc status}, another process:
 * the capture writes it into its session's {@code application_name}, which {@code pg_stat_activity} shows
 * to every role. pgcdc keeps no state of its own in the database in logical mode, so the count lives as
 * long as the capture does; the capture log has each skip.
 */
public final class SkippedTruncates {

    private static final Pattern ANNOUNCED = Pattern.compile("(pgcdc-[a-z]+) \\((\\d+) truncate\\(s\\) skipped\\)");

    private SkippedTruncates() {
    }

    /** One running capture that skipped truncates. */
    public record Running(int pid, String application, long skipped) {
    }

    /** Sets the session's application_name to {@code <applicationName> (<count> truncate(s) skipped)}. */
    public static void announce(Connection connection, String applicationName, long count) throws SQLException {
        try (PreparedStatement set = connection.prepareStatement("SELECT set_config('application_name', ?, false)")) {
            set.setString(1, applicationName + " (" + count + " truncate(s) skipped)");
            set.execute();
        }
    }

    /** The captures of this database that skipped truncates, by pid. */
    public static List<Running> running(DatabaseConfig database) {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-status");
             PreparedStatement query = connection.prepareStatement(
                     "SELECT pid, application_name FROM pg_stat_activity WHERE datname = current_database() "
                             + "AND application_name LIKE 'pgcdc-%skipped)' ORDER BY pid")) {
            List<Running> running = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Matcher m = ANNOUNCED.matcher(rows.getString(2));
                    if (m.matches()) {
                        running.add(new Running(rows.getInt(1), m.group(1), Long.parseLong(m.group(2))));
                    }
                }
            }
            return running;
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "reading the captures' skipped truncates");
        }
    }
}
