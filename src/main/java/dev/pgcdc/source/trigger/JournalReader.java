package dev.pgcdc.source.trigger;

import dev.pgcdc.event.TableId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal's SQL: takes transaction snapshots and reads one batch's rows a page at a time, in id order.
 * A page is an index range scan over the batch's transaction ids, filtered by visibility in its two snapshots.
 */
final class JournalReader {

    private static final String COLUMNS = "id, tx_id, %s, coalesce(table_oid, 0), table_schema, table_name, op, old_row::text, new_row::text";
    // The journal stores the 64-bit txid; commit timestamps are looked up by its 32-bit xid.
    private static final String COMMIT_TIME = "coalesce(pg_xact_commit_timestamp((tx_id % 4294967296)::text::xid), changed_at)";
    private static final String FIRST_BATCH = """
            SELECT %s FROM pgcdc.journal
            WHERE tx_id >= ? AND tx_id < ? AND id > ? AND txid_visible_in_snapshot(tx_id, ?::txid_snapshot)
            ORDER BY id LIMIT ?""";
    private static final String NEXT_BATCH = """
            SELECT %s FROM pgcdc.journal
            WHERE tx_id >= ? AND tx_id < ? AND id > ? AND txid_visible_in_snapshot(tx_id, ?::txid_snapshot)
              AND NOT txid_visible_in_snapshot(tx_id, ?::txid_snapshot)
            ORDER BY id LIMIT ?""";

    private final String firstBatch;
    private final String nextBatch;

    private JournalReader(boolean commitTimestamps) {
        String columns = COLUMNS.formatted(commitTimestamps ? COMMIT_TIME : "changed_at");
        this.firstBatch = FIRST_BATCH.formatted(columns);
        this.nextBatch = NEXT_BATCH.formatted(columns);
    }

    /** A reader that reports commit times when the server tracks them ({@code track_commit_timestamp}). */
    static JournalReader forServer(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet setting = statement.executeQuery("SELECT current_setting('track_commit_timestamp')::bool")) {
            setting.next();
            return new JournalReader(setting.getBoolean(1));
        }
    }

    TxSnapshot snapshot(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet snapshot = statement.executeQuery("SELECT txid_current_snapshot()::text")) {
            snapshot.next();
            return TxSnapshot.parse(snapshot.getString(1));
        }
    }

    /** Up to {@code limit} rows of {@code batch} with ids above {@code afterId}, in id order. */
    List<JournalRow> page(Connection connection, JournalBatch batch, long afterId, int limit) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(batch.lower() == null ? firstBatch : nextBatch)) {
            int parameter = 1;
            query.setLong(parameter++, batch.lowestTxId());
            query.setLong(parameter++, batch.txIdLimit());
            query.setLong(parameter++, afterId);
            query.setString(parameter++, batch.upper().toString());
            if (batch.lower() != null) {
                query.setString(parameter++, batch.lower().toString());
            }
            query.setInt(parameter, limit);
            List<JournalRow> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(new JournalRow(result.getLong(1), result.getLong(2),
                            result.getObject(3, OffsetDateTime.class).toInstant(), result.getLong(4),
                            new TableId(result.getString(5), result.getString(6)),
                            result.getString(7).charAt(0), result.getString(8), result.getString(9)));
                }
            }
            return rows;
        }
    }
}
