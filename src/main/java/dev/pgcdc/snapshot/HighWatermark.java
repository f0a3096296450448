package dev.pgcdc.snapshot;

import dev.pgcdc.source.SnapshotWatermark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Writes a chunk's high watermark into the mode's change stream, where the source reports it in order. */
@FunctionalInterface
interface HighWatermark {

    void write(Connection connection, String id) throws SQLException;

    /**
     * {@code logical}: a logical message in a transaction of its own (PostgreSQL 14+, pgoutput {@code messages}),
     * decoded at its commit, in commit order. Transactional so that its commit, with {@code synchronous_commit}
     * on (see {@link KeysetChunks#prepareSession}), flushes the WAL: the walsender sends only flushed WAL, and a
     * non-transactional message could wait for the WAL writer.
     */
    HighWatermark LOGICAL_MESSAGE = (connection, id) -> {
        try (PreparedStatement emit = connection.prepareStatement("SELECT pg_logical_emit_message(true, ?, ?)")) {
            emit.setString(1, SnapshotWatermark.MESSAGE_PREFIX);
            emit.setString(2, id);
            emit.execute();
        }
    };

    /**
     * {@code trigger}: a journal row, committed on its own. The trigger source reports it when the journal
     * batch holding it ends: batches are bounded by transaction snapshots, so every transaction in a later
     * batch committed after the watermark, hence after the chunk was read.
     */
    HighWatermark JOURNAL_ROW = (connection, id) -> {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO pgcdc.journal (tx_id, table_schema, table_name, op, new_row)
                VALUES (txid_current(), ?, ?, 'c', to_json(?::text))""")) {
            insert.setString(1, SnapshotWatermark.JOURNAL_SCHEMA);
            insert.setString(2, SnapshotWatermark.JOURNAL_TABLE);
            insert.setString(3, id);
            insert.execute();
        }
    };
}
