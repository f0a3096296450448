package dev.pgcdc.source;

import dev.pgcdc.config.DatabaseConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Opens PgJDBC connections, turning failures into the user-facing errors of {@link PostgresErrors}. */
public final class PostgresConnections {

    private PostgresConnections() {
    }

    /** Opens a connection whose {@code application_name} is {@code applicationName}. */
    public static Connection open(DatabaseConfig database, String applicationName) {
        try {
            return DriverManager.getConnection(database.url(), database.connectionProperties(applicationName));
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "connecting");
        }
    }

    /** Quotes a name as a PostgreSQL identifier, for statements that cannot take it as a parameter (LISTEN). */
    public static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
