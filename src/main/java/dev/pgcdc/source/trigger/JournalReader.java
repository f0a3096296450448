package dev.pgcdc.source.trigger;

import dev.pgcdc.event.TableId;
import org.postgresql.PGStatement;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The journal's SQL: takes transaction snapshots and reads one batch's rows a page at a time, in id order.
 * A page is an index range scan over the batch's transaction ids, filtered by visibility in its two snapshots.
 */
final class JournalReader {

    private static final String COLUMNS = "id, tx_id, %s, coalesce(table_oid, 0), table_schema, table_name, op, old_row::text, new_row::text";
    // The journal stores the 64-bit txid; commit timestamps are looked up by its 32-bit xid.
    private static final String COMMIT_TIME = "coalesce(pg_xact_commit_timestamp((tx_id % 4294967296)::text::xid), changed_at)";
    /**
     * A page of a batch: the first batch after a start has no lower snapshot, and a batch's first page no lower
     * id. Leaving out {@code id > 0} matters: it put the whole primary key into the plan (a bitmap AND over every
     * index entry, those of delivered and deleted rows included until a vacuum), so each new batch cost time in
     * proportion to all the rows the journal had held since: 36 ms at 300,000 deleted rows, against 0.1 ms.
     */
    private static final String PAGE = """
            SELECT %s FROM pgcdc.journal
            WHERE tx_id >= ? AND tx_id < ? AND txid_visible_in_snapshot(tx_id, ?::txid_snapshot)%s%s
            ORDER BY id LIMIT ?""";
    private static final String NOT_IN_LOWER = " AND NOT txid_visible_in_snapshot(tx_id, ?::txid_snapshot)";
    private static final String AFTER_ID = " AND id > ?";

    /**
     * A batch transaction by transaction, for exactly-once capture, where each transaction's events must come
     * together: ordered by each transaction's highest journal id, then by id. Per key this is still commit
     * order: a transaction that changed a key after another could do so only once that one had ended, so its
     * row for the key, and hence its highest id, is above all of that one's ids.
     *
     * <p>First the transactions, in that order, from the place reached on: only rows at or after it are
     * grouped (a transaction read whole has none), so each transaction's highest id is exact. Found once for
     * many pages ({@link TransactionEnds}), then each page reads its few transactions' rows by transaction id.
     */
    private static final String TRANSACTION_ENDS = """
            SELECT tx_id, max(id) AS last_id, count(*) FROM pgcdc.journal
            WHERE tx_id >= ? AND tx_id < ? AND txid_visible_in_snapshot(tx_id, ?::txid_snapshot)%s%s
            GROUP BY tx_id ORDER BY last_id LIMIT ?""";
    private static final String FROM_ID = " AND id >= ?";
    private static final String TRANSACTIONS_PAGE = """
            SELECT %s, last_id FROM unnest(?::bigint[], ?::bigint[]) AS ends(tx_id, last_id)
            JOIN pgcdc.journal USING (tx_id)
            WHERE (last_id, id) > (?, ?)
            ORDER BY last_id, id LIMIT ?""";

    private final String columns;
    private final String transactionsPage;

    private JournalReader(boolean commitTimestamps) {
        this.columns = COLUMNS.formatted(commitTimestamps ? COMMIT_TIME : "changed_at");
        this.transactionsPage = TRANSACTIONS_PAGE.formatted(columns);
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

    /**
     * Up to {@code limit} transactions of {@code batch} that end at or after {@code afterTransactionEnd}, in
     * order of their last journal id.
     */
    TransactionEnds transactionEnds(Connection connection, JournalBatch batch, long afterTransactionEnd, int limit)
            throws SQLException {
        String sql = TRANSACTION_ENDS.formatted(batch.lower() == null ? "" : NOT_IN_LOWER, afterTransactionEnd == 0 ? "" : FROM_ID);
        try (PreparedStatement query = planned(connection, sql)) {
            int parameter = 1;
            query.setLong(parameter++, batch.lowestTxId());
            query.setLong(parameter++, batch.txIdLimit());
            query.setString(parameter++, batch.upper().toString());
            if (batch.lower() != null) {
                query.setString(parameter++, batch.lower().toString());
            }
            if (afterTransactionEnd != 0) {
                query.setLong(parameter++, afterTransactionEnd);
            }
            query.setInt(parameter, limit + 1);
            // grown as rows come: most batches hold a few transactions, the bound is for a backlog's
            long[] txIds = new long[16];
            long[] lastIds = new long[16];
            long[] rowCounts = new long[16];
            int found = 0;
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    if (found == txIds.length) {
                        txIds = Arrays.copyOf(txIds, found * 2);
                        lastIds = Arrays.copyOf(lastIds, found * 2);
                        rowCounts = Arrays.copyOf(rowCounts, found * 2);
                    }
                    txIds[found] = result.getLong(1);
                    lastIds[found] = result.getLong(2);
                    rowCounts[found] = result.getLong(3);
                    found++;
                }
            }
            int kept = Math.min(found, limit);
            return new TransactionEnds(Arrays.copyOf(txIds, kept), Arrays.copyOf(lastIds, kept), Arrays.copyOf(rowCounts, kept),
                    found <= limit);
        }
    }

    /** Up to {@code limit} rows of the transactions {@code reach} after the given place, transaction by transaction. */
    TransactionPage pageOf(Connection connection, TransactionEnds.Reach reach, long afterTransactionEnd, long afterId, int limit)
            throws SQLException {
        try (PreparedStatement query = planned(connection, transactionsPage)) {
            query.setArray(1, connection.createArrayOf("bigint", boxed(reach.txIds())));
            query.setArray(2, connection.createArrayOf("bigint", boxed(reach.lastIds())));
            query.setLong(3, afterTransactionEnd);
            query.setLong(4, afterId);
            query.setInt(5, limit);
            List<JournalRow> rows = new ArrayList<>();
            long transactionEnd = afterTransactionEnd;
            long lastId = afterId;
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(row(result));
                    transactionEnd = result.getLong(10);
                    lastId = result.getLong(1);
                }
            }
            return new TransactionPage(rows, transactionEnd, lastId);
        }
    }

    /** Up to {@code limit} rows of {@code batch} with ids above {@code afterId}, in id order. */
    List<JournalRow> page(Connection connection, JournalBatch batch, long afterId, int limit) throws SQLException {
        String sql = PAGE.formatted(columns, batch.lower() == null ? "" : NOT_IN_LOWER, afterId == 0 ? "" : AFTER_ID);
        try (PreparedStatement query = planned(connection, sql)) {
            int parameter = 1;
            query.setLong(parameter++, batch.lowestTxId());
            query.setLong(parameter++, batch.txIdLimit());
            query.setString(parameter++, batch.upper().toString());
            if (batch.lower() != null) {
                query.setString(parameter++, batch.lower().toString());
            }
            if (afterId != 0) {
                query.setLong(parameter++, afterId);
            }
            query.setInt(parameter, limit);
            List<JournalRow> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(row(result));
                }
            }
            return rows;
        }
    }

    /**
     * Removes the rows of every transaction visible in {@code snapshot}: all of them were delivered. Transactions
     * below {@code fromTxId} had their rows removed before (0: not known), which keeps the index range scanned
     * to what the last removal left, not every deleted row's entry since the last vacuum.
     */
    void removeUpTo(Connection connection, long fromTxId, TxSnapshot snapshot) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM pgcdc.journal WHERE tx_id >= ? AND tx_id < ? AND txid_visible_in_snapshot(tx_id, ?::txid_snapshot)")) {
            delete.setLong(1, fromTxId);
            delete.setLong(2, snapshot.xmax());
            delete.setString(3, snapshot.toString());
            delete.executeUpdate();
        }
    }

    /**
     * A statement PostgreSQL plans for its actual values each time. A server-side prepared statement gets a
     * generic plan after five runs, and for a page the generic plan ranks the transaction-id index above the
     * primary key: under a backlog every page then read and sorted the whole batch (200 ms a page of 500 rows
     * at 100,000 rows waiting, against 0.5 ms in id order), so a drain took time quadratic in its size.
     */
    private static PreparedStatement planned(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.unwrap(PGStatement.class).setPrepareThreshold(0);
        return statement;
    }

    private static Long[] boxed(long[] values) {
        return Arrays.stream(values).boxed().toArray(Long[]::new);
    }

    private static JournalRow row(ResultSet result) throws SQLException {
        return new JournalRow(result.getLong(1), result.getLong(2), result.getObject(3, OffsetDateTime.class).toInstant(),
                result.getLong(4), new TableId(result.getString(5), result.getString(6)), result.getString(7).charAt(0),
                result.getString(8), result.getString(9));
    }
}
