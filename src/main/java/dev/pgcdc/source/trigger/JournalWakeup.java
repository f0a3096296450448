package dev.pgcdc.source.trigger;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Capture's side of the journal's wake-up (see journal-install.sql): an idle capture holds the wake-up lock
 * exclusively and blocks on its connection until a writer's NOTIFY arrives; a busy one does not hold it, so
 * writers under load do not notify and their commits are not serialised. Taking the lock waits for the writers
 * that hold it shared, which did not notify, and for those that left a mark, which counted on another writer's
 * NOTIFY: the read that follows sees their changes. Writers decide whether to notify at their commit, so the
 * NOTIFY a mark counts on comes from a transaction already committing. The lock belongs to the session, so a new
 * connection starts without it.
 */
final class JournalWakeup {

    static final String CHANNEL = "pgcdc_journal";
    /** How long taking the lock waits for writers' transactions to end before capture reads again instead. */
    private static final int LOCK_WAIT_MS = 20;
    /** How long without rows is still a gap between commits under load, after which capture waits for a wake-up. */
    private static final Duration GAP_UNDER_LOAD = Duration.ofMillis(3);

    private final Duration pollInterval;
    /** The connection whose session holds the lock, or null. */
    private Connection lockedOn;
    /** Consecutive batches without rows: after two, capture waits for a wake-up before the next. */
    private int emptyBatches;
    /** When the last batch with rows ended. */
    private long lastRowsNanos;
    /** When an idle capture reads again even without a wake-up. */
    private long nextReadNanos;

    JournalWakeup(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    /** A batch was read to its end. */
    void batchDone(boolean hadRows) {
        emptyBatches = hadRows ? 0 : emptyBatches + 1;
        long now = System.nanoTime();
        nextReadNanos = now + pollInterval.toNanos();
        if (hadRows) {
            lastRowsNanos = now;
        }
    }

    /** Whether the last batch had rows: the next one is read at once. */
    boolean busy() {
        return emptyBatches == 0;
    }

    /**
     * Whether to read the next batch now: at once after a batch with rows, so batches grow with the load and
     * nothing waits behind a timer; after an empty one, again at once until two were empty and
     * {@link #GAP_UNDER_LOAD} passed without rows; then once more with the lock taken; and after that, once a
     * writer's wake-up arrives (waiting at most {@code timeout} in this call) or {@code --poll-interval} passed
     * without one.
     */
    boolean readNow(Connection connection, Duration timeout) throws SQLException {
        // An empty batch under load is often just a gap between commits: reading again before waiting keeps the
        // writers from notifying (and serialising their commits) at every such gap. A batch is one query now, a
        // few hundred microseconds, so two empty ones are no longer a gap's length: the gap is measured in time.
        if (emptyBatches < 2 || System.nanoTime() - lastRowsNanos < GAP_UNDER_LOAD.toNanos()) {
            release(connection);
            return true;
        }
        if (!holds(connection)) {
            take(connection);
            return true;
        }
        long untilNextRead = nextReadNanos - System.nanoTime();
        boolean woken = untilNextRead <= 0 || await(connection, Duration.ofNanos(Math.min(untilNextRead, timeout.toNanos())));
        if (woken) {
            release(connection);
        }
        return woken || System.nanoTime() >= nextReadNanos;
    }

    /** Whether {@code connection}'s session holds the lock: writers notify. */
    private boolean holds(Connection connection) {
        return lockedOn == connection;
    }

    /**
     * Takes the lock once the writers that hold it have ended, or gives up after a short wait; whether it took
     * it. Either way the journal must be read again before waiting.
     */
    private boolean take(Connection connection) throws SQLException {
        try (PreparedStatement take = connection.prepareStatement("SELECT pgcdc.take_wakeup_lock(?)")) {
            take.setInt(1, LOCK_WAIT_MS);
            try (ResultSet taken = take.executeQuery()) {
                taken.next();
                lockedOn = taken.getBoolean(1) ? connection : null;
                return lockedOn != null;
            }
        }
    }

    /** Lets the lock go, when held: capture is busy reading, so writers need not notify. */
    private void release(Connection connection) throws SQLException {
        if (lockedOn != connection) {
            lockedOn = null;
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_unlock(1885823844, 1785884268)");
        }
        lockedOn = null;
    }

    /**
     * Blocks on the connection up to {@code timeout} for a writer's notification, or returns at once when one
     * came since the last call; whether one did.
     */
    private boolean await(Connection connection, Duration timeout) throws SQLException {
        PGNotification[] notifications = connection.unwrap(PGConnection.class)
                .getNotifications((int) Math.max(1, timeout.toMillis()));
        return notifications != null && notifications.length > 0;
    }
}
