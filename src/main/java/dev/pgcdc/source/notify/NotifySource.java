package dev.pgcdc.source.notify;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.NotifyCaptureConfig;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Position;
import dev.pgcdc.source.ListeningConnection;
import dev.pgcdc.source.Source;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
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

    private final ListeningConnection listening;
    private final NotificationDecoder decoder;
    private final Clock clock = Clock.systemUTC();

    private NotifySource(ListeningConnection listening, NotifyCaptureConfig config) {
        this.listening = listening;
        this.decoder = new NotificationDecoder(config);
    }

    /**
     * Connects and LISTENs before returning, so every notification committed after this call is captured.
     *
     * @throws dev.pgcdc.error.CdcException when PostgreSQL cannot be reached or refuses the login
     */
    public static NotifySource open(DatabaseConfig database, NotifyCaptureConfig config) {
        return new NotifySource(ListeningConnection.open(database, APPLICATION_NAME, config.channels()), config);
    }

    @Override
    public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
        Connection connection = listening.get(timeout);
        if (connection == null) {
            return List.of();
        }
        try {
            PGNotification[] notifications = listening.awaitNotifications(connection, timeout);
            Instant receivedAt = clock.instant();
            List<ChangeEvent> events = new ArrayList<>(notifications.length);
            for (PGNotification notification : notifications) {
                events.add(decoder.decode(notification.getName(), notification.getPID(),
                        notification.getParameter(), receivedAt));
            }
            return events;
        } catch (SQLException e) {
            listening.failed(e, "waiting for notifications");
            log.warn("Notify mode cannot recover notifications sent while disconnected: "
                    + "use --mode trigger to capture without loss.");
            return List.of();
        }
    }

    /** LISTEN/NOTIFY keeps nothing that could be confirmed: a notification is gone once it reaches us. */
    @Override
    public void commit(Position position) {
    }

    @Override
    public void close() {
        listening.close();
    }
}
