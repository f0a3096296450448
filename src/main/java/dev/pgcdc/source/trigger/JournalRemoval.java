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
 * Removes journal rows once their events are acknowledged, in one statement per confirmation. A removal that
 * fails is retried with the next confirmation; rows left behind by a crash are read again after the next
 * start (at-least-once). Within one run a row is never read twice, since batches never overlap.
 */
final class JournalRemoval {

    private final ListeningConnection listening;
    /** Ids sent and not yet removed, in the order their events were sent. */
    private final ArrayDeque<Long> sent = new ArrayDeque<>();
    /** Acknowledged ids whose removal has not succeeded yet. */
    private final List<Long> removable = new ArrayList<>();

    JournalRemoval(ListeningConnection listening) {
        this.listening = listening;
    }

    void sent(long id) {
        sent.addLast(id);
    }

    /** Removes every row sent up to and including {@code confirmedId}. */
    void confirmedUpTo(long confirmedId) {
        while (!sent.isEmpty()) {
            long id = sent.pollFirst();
            removable.add(id);
            if (id == confirmedId) {
                break;
            }
        }
        if (removable.isEmpty()) {
            return;
        }
        try {
            Connection connection = listening.get(Duration.ofMillis(1));
            if (connection == null) {
                return;
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM pgcdc.journal WHERE id = ANY(?)")) {
                Array ids = connection.createArrayOf("bigint", removable.toArray());
                delete.setArray(1, ids);
                delete.executeUpdate();
                removable.clear();
            } catch (SQLException e) {
                listening.failed(e, "removing delivered changes from the journal");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
