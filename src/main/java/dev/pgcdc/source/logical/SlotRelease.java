package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A new active capture's wait for the previous one's walsender to release the slot. PostgreSQL ends it at once
 * when the previous capture crashed (its socket is closed), and after {@code wal_sender_timeout} without a reply
 * when its network was cut; so the wait is bounded by that setting, as this capture's session sees it (the
 * server's, or what the role, the database or the URL's {@code options} set: the same for the previous capture
 * unless it was started with other settings), plus a margin.
 */
public final class SlotRelease {

    private static final Logger log = LoggerFactory.getLogger(SlotRelease.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private SlotRelease() {
    }

    /**
     * Returns once no walsender streams from {@code slot} (at once when none does).
     *
     * @throws CdcException naming the walsender and what was waited for, when it still streams after the bound
     */
    public static void await(DatabaseConfig database, String slot) {
        try (Connection connection = PostgresConnections.open(database, LogicalSource.APPLICATION_NAME, MetadataSession.SOCKET_TIMEOUT);
             PreparedStatement query = connection.prepareStatement("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            int pid = activePid(query);
            if (pid == 0) {
                return;
            }
            Wait wait = Wait.of(walSenderTimeoutMillis(connection));
            log.info("Waiting up to {} for PostgreSQL to end the previous capture's walsender (process {}), which still streams slot '{}'",
                    wait.waitedFor(), pid, slot);
            long deadline = System.nanoTime() + wait.bound().toNanos();
            while (pid != 0) {
                if (System.nanoTime() > deadline) {
                    throw new CdcException(CdcException.Kind.UNAVAILABLE, wait.stillStreaming(slot, SlotHolder.describe(connection, pid), pid));
                }
                Thread.sleep(POLL_INTERVAL.toMillis()); // the server sends no notice when a walsender ends
                pid = activePid(query);
            }
            log.info("The previous capture's walsender released slot '{}'", slot);
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "checking the replication slot");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdcException(CdcException.Kind.INTERNAL, "interrupted while waiting for the replication slot", e);
        }
    }

    /** The walsender streaming the slot; 0 when none does (or the slot does not exist: the preflight says so). */
    private static int activePid(PreparedStatement query) throws SQLException {
        try (ResultSet rows = query.executeQuery()) {
            return rows.next() ? rows.getInt(1) : 0;
        }
    }

    private static long walSenderTimeoutMillis(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT setting::bigint FROM pg_settings WHERE name = 'wal_sender_timeout'");
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1); // pg_settings gives it in its unit, milliseconds; SHOW would give "1min"
        }
    }

    /**
     * The bound on the wait, derived from {@code wal_sender_timeout}, and how it is said.
     *
     * @param walSenderTimeout zero when disabled
     */
    record Wait(Duration walSenderTimeout) {

        /**
         * On top of the timeout: the server's check and the walsender's exit, or a previous capture still running
         * that stops by itself once it sees its lock lost (about 20 s: noticing it, then its clean stop).
         */
        static final Duration MARGIN = Duration.ofSeconds(30);
        /**
         * PostgreSQL's default wal_sender_timeout. When it is disabled, a silent walsender ends only when TCP gives
         * up on its connection (hours, by default): waiting longer than after a crash would not help.
         */
        static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

        static Wait of(long walSenderTimeoutMillis) {
            return new Wait(Duration.ofMillis(walSenderTimeoutMillis));
        }

        boolean disabled() {
            return walSenderTimeout.isZero();
        }

        Duration bound() {
            return (disabled() ? DEFAULT_TIMEOUT : walSenderTimeout).plus(MARGIN);
        }

        /** E.g. {@code 90 s (wal_sender_timeout 60 s + 30 s)}. */
        String waitedFor() {
            return disabled()
                    ? say(bound()) + " (wal_sender_timeout is 0, disabled: PostgreSQL's default " + say(DEFAULT_TIMEOUT) + " + " + say(MARGIN) + ")"
                    : say(bound()) + " (wal_sender_timeout " + say(walSenderTimeout) + " + " + say(MARGIN) + ")";
        }

        /** The one-line failure once the bound has passed and {@code holder} (the walsender, process {@code pid}) still streams. */
        String stillStreaming(String slot, String holder, int pid) {
            String fix = disabled()
                    ? ": with wal_sender_timeout 0 PostgreSQL never ends a walsender whose client went silent; set it (e.g. ALTER SYSTEM"
                            + " SET wal_sender_timeout = '60s'; SELECT pg_reload_conf();), or end this one with SELECT pg_terminate_backend("
                            + pid + ") if its capture is gone"
                    : ": if its capture is gone, end it with SELECT pg_terminate_backend(" + pid + "), then start this capture again";
            return "replication slot '" + slot + "' is still streamed by " + holder + " after waiting " + waitedFor()
                    + " for the previous active capture's walsender to end" + fix;
        }

        private static String say(Duration duration) {
            return duration.toMillisPart() == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
        }
    }
}
