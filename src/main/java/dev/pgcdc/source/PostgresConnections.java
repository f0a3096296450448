package dev.pgcdc.source;

import dev.pgcdc.config.DatabaseConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/** Opens PgJDBC connections, turning failures into the user-facing errors of {@link PostgresErrors}. */
public final class PostgresConnections {

    private PostgresConnections() {
    }

    /** Opens a connection whose {@code application_name} is {@code applicationName}. */
    public static Connection open(DatabaseConfig database, String applicationName) {
        return connect(database, database.connectionProperties(applicationName));
    }

    /**
     * Like {@link #open(DatabaseConfig, String)}, for a session whose every statement is short: a read that
     * waits longer than {@code socketTimeout} fails, so a silent network (no reset, no keepalive failure, as
     * behind a NAT or a paused VM) ends in an error rather than a wait without end.
     */
    public static Connection open(DatabaseConfig database, String applicationName, Duration socketTimeout) {
        Properties properties = database.connectionProperties(applicationName);
        properties.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
        return connect(database, properties);
    }

    private static Connection connect(DatabaseConfig database, Properties properties) {
        try {
            return DriverManager.getConnection(database.url(), properties);
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "connecting");
        }
    }

    /** Quotes a name as a PostgreSQL identifier, for statements that cannot take it as a parameter (LISTEN). */
    public static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
