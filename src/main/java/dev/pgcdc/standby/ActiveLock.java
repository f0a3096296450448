package dev.pgcdc.standby;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Makes one capture of a setup the active one: it holds a PostgreSQL session-level advisory lock named after
 * the capture's identity, on a session of its own, for as long as it runs. Others wait for the lock and take
 * over when it is released, which PostgreSQL does as soon as the holder's session ends: at once when its
 * process dies (the kernel closes the socket), after the server's TCP keepalive when its network is cut.
 * The holder's session carries its pid and host as {@code application_name}, so a waiting one can name it.
 *
 * <p>The active one checks its session every {@link #CHECK_INTERVAL}: once it is gone, the lock may be
 * another's, and the owner is told so it stops.
 */
public final class ActiveLock implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ActiveLock.class);
    /** The advisory lock's first key, "pgcd": keeps pgcdc's locks apart from an application's own. */
    private static final int NAMESPACE = 0x70676364;
    private static final String APPLICATION_PREFIX = "pgcdc-active ";
    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    /**
     * How long a capture that lost the lock may take to stop before its process ends without it: cut off the
     * network, its reads from PostgreSQL may never return, and another capture is taking over meanwhile.
     */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** How long the session's statements may wait for PostgreSQL (all are instant): a silent network fails them. */
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long PostgreSQL keeps the lock's session once the holder stops touching it (it does every
     * {@link #CHECK_INTERVAL}): a holder cut off the network by something that keeps the TCP connection up (a
     * proxy, a NAT, a paused VM) gives no keepalive failure, so PostgreSQL ends the idle session itself
     * ({@code idle_session_timeout}, PostgreSQL 14+) and the lock goes to a standby.
     */
    static final Duration IDLE_SESSION_TIMEOUT = Duration.ofSeconds(10);

    private final Connection session;
    private final Thread watchdog;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ActiveLock(Connection session, Runnable lost) {
        this.session = session;
        this.watchdog = new Thread(() -> watch(lost), "pgcdc-active-lock");
        this.watchdog.setDaemon(true);
        this.watchdog.start();
    }

    /**
     * Waits until this process holds the lock for {@code identity}, telling {@code notices} once who holds it
     * meanwhile.
     *
     * @param lost run once, from another thread, when the lock's session is lost while held
     */
    public static ActiveLock acquire(DatabaseConfig database, String identity, Consumer<String> notices, Runnable lost)
            throws InterruptedException {
        Connection session = PostgresConnections.open(database, applicationName(), SOCKET_TIMEOUT);
        try {
            boolean told = false;
            while (!tryLock(session, identity)) {
                if (!told) {
                    notices.accept("standby: waiting for the active capture, " + holder(session, identity));
                    told = true;
                }
                Thread.sleep(CHECK_INTERVAL.toMillis()); // the lock has no wake-up to wait on; polling it is the way
            }
            if (told) {
                notices.accept("standby: the active capture is gone; taking over");
            }
            endWhenSilent(session);
            return new ActiveLock(session, lost);
        } catch (SQLException e) {
            closeQuietly(session);
            throw PostgresErrors.describe(e, database, "taking the active capture's lock");
        } catch (InterruptedException | RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** Releases the lock (by ending its session); safe to call twice. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            watchdog.interrupt();
            closeQuietly(session);
        }
    }

    private void watch(Runnable lost) {
        try {
            while (!closed.get()) {
                Thread.sleep(CHECK_INTERVAL.toMillis());
                if (!session.isValid((int) Math.max(1, CHECK_INTERVAL.toSeconds() * 5)) && !closed.get()) {
                    lost.run();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            if (!closed.get()) {
                lost.run();
            }
        }
    }

    /**
     * PostgreSQL ends the session when the holder goes silent: after {@link #IDLE_SESSION_TIMEOUT} idle, or when
     * TCP keepalives go unanswered for about 11 s (a cut cable; the server's default waits two hours).
     */
    private static void endWhenSilent(Connection session) throws SQLException {
        try (Statement statement = session.createStatement()) {
            statement.execute("SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3");
            if (session.getMetaData().getDatabaseMajorVersion() >= 14) {
                statement.execute("SET idle_session_timeout = '" + IDLE_SESSION_TIMEOUT.toMillis() + "ms'");
            }
        }
    }

    private static boolean tryLock(Connection session, String identity) throws SQLException {
        try (PreparedStatement lock = session.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
            lock.setInt(1, NAMESPACE);
            lock.setString(2, identity);
            try (ResultSet result = lock.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        }
    }

    /** E.g. {@code pid 4242 on host db-worker-1}, from the holder's application_name. */
    private static String holder(Connection session, String identity) throws SQLException {
        try (PreparedStatement query = session.prepareStatement("""
                SELECT a.application_name, host(a.client_addr) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.classid = ?::int::oid AND l.objid = hashtext(?)::oid
                  AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())""")) {
            query.setInt(1, NAMESPACE);
            query.setString(2, identity);
            try (ResultSet result = query.executeQuery()) {
                if (!result.next()) {
                    return "which just ended";
                }
                String application = result.getString(1);
                if (application != null && application.startsWith(APPLICATION_PREFIX) && application.contains("@")) {
                    String self = application.substring(APPLICATION_PREFIX.length());
                    return "pid " + self.substring(0, self.indexOf('@')) + " on host " + self.substring(self.indexOf('@') + 1);
                }
                return "a session from " + result.getString(2);
            }
        }
    }

    /** {@code pgcdc-active PID@HOST}: PostgreSQL keeps the first 63 bytes. */
    private static String applicationName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown";
        }
        return APPLICATION_PREFIX + ProcessHandle.current().pid() + "@" + host;
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing the active lock's session failed", e);
        }
    }

    /** What ends the owner's capture when the lock's session was lost while held. */
    public static CdcException lostFailure() {
        return new CdcException(CdcException.Kind.UNAVAILABLE, "lost the connection to PostgreSQL that holds the active capture's"
                + " lock; another capture may take over: stopping (run this one again to be the next standby)");
    }
}
