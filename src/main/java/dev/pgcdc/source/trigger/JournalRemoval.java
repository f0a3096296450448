package dev.pgcdc.source.trigger;

import dev.pgcdc.source.ListeningConnection;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes journal rows once their events are acknowledged: by id (at-least-once, every row sent up to a confirmed
 * one), or every row of the transactions visible in a confirmed batch end (exactly-once). While capture is busy,
 * what was confirmed within {@link #BUSY_INTERVAL} goes in one statement: a removal per confirmation was a round
 * trip and a commit per batch, a fifth of a small batch's cost. A capture that is not busy removes at once. A
 * removal that fails is retried with the next one; rows left behind by a crash are read again after the next start
 * (at-least-once: a crash while busy sends up to that interval's acknowledged changes again; exactly-once: they
 * are only removed). Within one run a row is never read twice, since batches never overlap.
 */
final class JournalRemoval {

    static final Duration BUSY_INTERVAL = Duration.ofMillis(50);
    /** Removed at once when this many are waiting, so one statement's id list stays small. */
    private static final int MOST_WAITING = 10_000;

    private final ListeningConnection listening;
    private final JournalReader reader;
    /** Ids sent and not yet removed, in the order their events were sent. */
    private final ArrayDeque<Long> sent = new ArrayDeque<>();
    /** Acknowledged ids whose removal has not succeeded yet. */
    private final List<Long> removable = new ArrayList<>();
    /** Exactly-once: the newest confirmed batch end whose rows are not removed yet, or null. */
    private TxSnapshot removableUpTo;
    /** Exactly-once: every transaction below this id had its rows removed (0 until a removal succeeded). */
    private long removedBelowTxId;
    private long lastRemovalNanos = System.nanoTime();

    JournalRemoval(ListeningConnection listening, JournalReader reader) {
        this.listening = listening;
        this.reader = reader;
    }

    void sent(long id) {
        sent.addLast(id);
    }

    /**
     * Every row sent up to and including {@code confirmedId} is to be removed: now, unless capture is {@code busy}
     * and the last removal was less than {@link #BUSY_INTERVAL} ago.
     */
    void confirmedUpTo(long confirmedId, boolean busy) {
        while (!sent.isEmpty()) {
            long id = sent.pollFirst();
            removable.add(id);
            if (id == confirmedId) {
                break;
            }
        }
        removeIfDue(busy);
    }

    /**
     * Exactly-once: the rows of every transaction visible in {@code delivered} are to be removed, with the same
     * timing as {@link #confirmedUpTo}. Each removal covers every batch end before it.
     */
    void confirmedUpTo(TxSnapshot delivered, boolean busy) {
        removableUpTo = delivered;
        removeIfDue(busy);
    }

    /** Removes the confirmed rows still waiting, when there are any. */
    void removeConfirmed() {
        if (removable.isEmpty() && removableUpTo == null) {
            return;
        }
        lastRemovalNanos = System.nanoTime();
        try {
            Connection connection = listening.get(Duration.ofMillis(1));
            if (connection == null) {
                return;
            }
            if (!removable.isEmpty()) {
                removeIds(connection);
            }
            if (removableUpTo != null) {
                // once this succeeded, every transaction below the snapshot's xmin had ended and was visible in it,
                // so its rows are gone: the next removal's range starts there
                reader.removeUpTo(connection, removedBelowTxId, removableUpTo);
                removedBelowTxId = Math.max(removedBelowTxId, removableUpTo.xmin());
                removableUpTo = null;
            }
        } catch (SQLException e) {
            listening.failed(e, "removing delivered changes from the journal");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void removeIfDue(boolean busy) {
        if (!busy || System.nanoTime() - lastRemovalNanos >= BUSY_INTERVAL.toNanos() || removable.size() >= MOST_WAITING) {
            removeConfirmed();
        }
    }

    private void removeIds(Connection connection) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM pgcdc.journal WHERE id = ANY(?)")) {
            Array ids = connection.createArrayOf("bigint", removable.toArray());
            delete.setArray(1, ids);
            delete.executeUpdate();
            removable.clear();
        }
    }
}
