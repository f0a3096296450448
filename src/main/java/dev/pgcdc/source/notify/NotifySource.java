package dev.pgcdc.source.notify;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.NotifyCaptureConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Position;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;
import dev.pgcdc.source.Source;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The tutorial's producer: LISTENs on channels and turns each notification into a change. When the
 * connection drops it reconnects with backoff and LISTENs again; notifications sent meanwhile are lost,
 * because PostgreSQL does not store them.
 */
public final class NotifySource implements Source {

    /** The {@code application_name} of capture connections, so operators can find them in pg_stat_activity. */
    public static final String APPLICATION_NAME = "pgcdc-notify";

    private static final Logger log = LoggerFactory.getLogger(NotifySource.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final DatabaseConfig database;
    private final NotifyCaptureConfig config;
    private final NotificationDecoder decoder;
    private final Clock clock;
    private Connection connection;
    private Duration backoff = FIRST_BACKOFF;
    private Instant nextAttempt = Instant.MIN;

    private NotifySource(DatabaseConfig database, NotifyCaptureConfig config, Clock clock) {
        this.database = database;
        this.config = config;
        this.decoder = new NotificationDecoder(config);
        this.clock = clock;
    }

    /**
     * Connects and LISTENs before returning, so every notification committed after this call is captured.
     *
     * @throws CdcException when PostgreSQL cannot be reached or refuses the login
     */
    public static NotifySource open(DatabaseConfig database, NotifyCaptureConfig config) {
        NotifySource source = new NotifySource(database, config, Clock.systemUTC());
        source.connection = source.listen();
        return source;
    }

    @Override
    public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
        if (connection == null && !reconnect(timeout)) {
            return List.of();
        }
        try {
            PGNotification[] notifications = connection.unwrap(PGConnection.class)
                    .getNotifications((int) Math.max(1, timeout.toMillis()));
            if (notifications == null) {
                return List.of();
            }
            Instant receivedAt = clock.instant();
            List<ChangeEvent> events = new ArrayList<>(notifications.length);
            for (PGNotification notification : notifications) {
                events.add(decoder.decode(notification.getName(), notification.getPID(),
                        notification.getParameter(), receivedAt));
            }
            return events;
        } catch (SQLException e) {
            if (!PostgresErrors.isTransient(e) && !isClosed()) {
                throw PostgresErrors.describe(e, database, "waiting for notifications");
            }
            log.warn("Lost the PostgreSQL connection ({}); reconnecting. Notify mode cannot recover notifications "
                    + "sent while disconnected: use --mode trigger to capture without loss.", e.getMessage());
            closeQuietly();
            return List.of();
        }
    }

    /** LISTEN/NOTIFY keeps nothing that could be confirmed: a notification is gone once it reaches us. */
    @Override
    public void commit(Position position) {
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private boolean reconnect(Duration timeout) throws InterruptedException {
        Duration wait = Duration.between(clock.instant(), nextAttempt);
        if (wait.compareTo(Duration.ZERO) > 0) {
            Thread.sleep(Math.min(wait.toMillis(), Math.max(1, timeout.toMillis())));
            return false;
        }
        try {
            connection = listen();
            backoff = FIRST_BACKOFF;
            log.info("Reconnected to PostgreSQL and listening again on {}", config.channels());
            return true;
        } catch (CdcException e) {
            log.warn("Still cannot reach PostgreSQL ({}); next attempt in {} ms", e.getMessage(), backoff.toMillis());
            nextAttempt = clock.instant().plus(backoff);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            return false;
        }
    }

    private Connection listen() {
        Connection opened = PostgresConnections.open(database, APPLICATION_NAME);
        try (Statement statement = opened.createStatement()) {
            for (String channel : config.channels()) {
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
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    private void closeQuietly() {
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
}
