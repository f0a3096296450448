package dev.pgcdc.source;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.error.CdcException;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * A PostgreSQL connection that LISTENs on channels and comes back by itself: when it breaks, the next
 * {@link #get} reconnects (with exponential backoff between attempts) and LISTENs again.
 */
public final class ListeningConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ListeningConnection.class);

    private final DatabaseConfig database;
    private final String applicationName;
    private final List<String> channels;
    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
    private Connection connection;

    private ListeningConnection(DatabaseConfig database, String applicationName, List<String> channels) {
        this.database = database;
        this.applicationName = applicationName;
        this.channels = List.copyOf(channels);
    }

    /**
     * Connects and LISTENs before returning, so every notification committed after this call arrives.
     *
     * @throws CdcException when PostgreSQL cannot be reached or refuses the login
     */
    public static ListeningConnection open(DatabaseConfig database, String applicationName, List<String> channels) {
        ListeningConnection listening = new ListeningConnection(database, applicationName, channels);
        listening.connection = listening.connectAndListen();
        return listening;
    }

    /**
     * The live connection, or null while PostgreSQL cannot be reached; in that case this call has waited
     * up to {@code timeout} for the next attempt.
     */
    public Connection get(Duration timeout) throws InterruptedException {
        if (connection != null) {
            return connection;
        }
        if (!backoff.awaitNextAttempt(timeout)) {
            return null;
        }
        try {
            connection = connectAndListen();
            backoff.succeeded();
            log.info("Reconnected to PostgreSQL and listening again on {}", channels);
            return connection;
        } catch (CdcException e) {
            log.warn("Still cannot reach PostgreSQL ({}); next attempt in {} ms", e.getMessage(), backoff.failed().toMillis());
            return null;
        }
    }

    /** Waits up to {@code timeout} for notifications on the live connection; empty when none came. */
    public PGNotification[] awaitNotifications(Connection live, Duration timeout) throws SQLException {
        PGNotification[] notifications = live.unwrap(PGConnection.class)
                .getNotifications((int) Math.max(1, timeout.toMillis()));
        return notifications == null ? new PGNotification[0] : notifications;
    }

    /**
     * Handles a failure of the live connection: a broken connection is dropped so the next {@link #get}
     * reconnects (returns normally); any other failure is rethrown as a user-facing error.
     */
    public void failed(SQLException e, String what) {
        if (!PostgresErrors.isTransient(e) && !isClosed()) {
            throw PostgresErrors.describe(e, database, what);
        }
        log.warn("Lost the PostgreSQL connection while {} ({}); reconnecting", what, e.getMessage());
        close();
    }

    @Override
    public void close() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing the PostgreSQL connection failed", e);
        }
        connection = null;
    }

    private Connection connectAndListen() {
        Connection opened = PostgresConnections.open(database, applicationName);
        try (Statement statement = opened.createStatement()) {
            for (String channel : channels) {
                statement.execute("LISTEN " + PostgresConnections.quoteIdentifier(channel));
            }
            return opened;
        } catch (SQLException e) {
            try {
                opened.close();
            } catch (SQLException ignored) {
                // the LISTEN failure is the one worth reporting
            }
            throw PostgresErrors.describe(e, database, "subscribing with LISTEN");
        }
    }

    private boolean isClosed() {
        try {
            return connection == null || connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }
}
