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

    /** Rows written before the journal recorded table oids are resolved by name: the table's oid, or 0 when it is gone. */
    private static final String COLUMNS = "id, tx_id, %s, coalesce(table_oid, to_regclass(format('%%I.%%I', table_schema, table_name))::oid, 0),"
            + " table_schema, table_name, op, old_row::text, new_row::text";
    // The journal stores the 64-bit txid; commit timestamps are looked up by its 32-bit xid.
    private static final String COMMIT_TIME = "coalesce(pg_xact_commit_timestamp((tx_id % 4294967296)::text::xid), changed_at)";
    /** A page of a batch: the first batch after a start has no lower snapshot, and a batch's first page no lower id. */
    private static final String PAGE = """
            SELECT %s FROM pgcdc.journal
            WHERE tx_id >= ? AND tx_id < ? AND txid_visible_in_snapshot(tx_id, ?::txid_snapshot)%s%s
            ORDER BY id LIMIT ?""";
    /**
     * A batch's first page, which ends the batch at the query's own snapshot: the rows it sees are those of the
     * transactions visible in that snapshot, so no upper snapshot needs taking first. The snapshot and the catalog
     * comparison come with the first row (or alone, for an empty page). Its rows are in id order: joined to the one
     * header row with no join condition, the page keeps its order in any plan (nested loop or hash, never merge).
     * It asks for no lower id: {@code id > 0} put the whole primary key into the plan (a bitmap AND over every index
     * entry, those of delivered and deleted rows included until a vacuum), so each new batch cost time in proportion
     * to all the rows the journal had held since: 36 ms at 300,000 deleted rows, against 0.1 ms.
     */
    private static final String FIRST_PAGE = """
            SELECT CASE WHEN coalesce(page.rank, 1) = 1 THEN header.upper END,
                   header.changed, page.*
            FROM (SELECT txid_current_snapshot()::text AS upper, %2$s AS changed) header
            LEFT JOIN (
                SELECT %1$s, row_number() OVER (ORDER BY id) AS rank FROM pgcdc.journal
                WHERE tx_id >= ? AND tx_id < txid_snapshot_xmax(txid_current_snapshot())%3$s
                ORDER BY id LIMIT ?
            ) page ON true""";
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

    /** A new batch's upper snapshot, and whether the catalog rows behind {@code definitions} changed since they were read. */
    BatchStart snapshot(Connection connection, TableDefinitions definitions) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT txid_current_snapshot()::text, " + TableDefinitions.CHANGED)) {
            bindDefinitions(connection, query, 1, definitions);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return new BatchStart(TxSnapshot.parse(result.getString(1)), result.getBoolean(2), List.of());
            }
        }
    }

    /**
     * A new batch's first page, after {@code lower} (null: the first batch after a start), in one round trip: the
     * batch ends at this query's own snapshot, which it returns, and the catalog comparison of {@code definitions}
     * comes with it.
     */
    BatchStart firstPage(Connection connection, TxSnapshot lower, TableDefinitions definitions, int limit) throws SQLException {
        String sql = FIRST_PAGE.formatted(columns, TableDefinitions.CHANGED, lower == null ? "" : NOT_IN_LOWER);
        try (PreparedStatement query = planned(connection, sql)) {
            int parameter = bindDefinitions(connection, query, 1, definitions);
            query.setLong(parameter++, lower == null ? 0 : lower.xmin());
            if (lower != null) {
                query.setString(parameter++, lower.toString());
            }
            query.setInt(parameter, limit);
            TxSnapshot upper = null;
            boolean changed = false;
            List<JournalRow> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    if (upper == null) {
                        upper = TxSnapshot.parse(result.getString(1));
                        changed = result.getBoolean(2);
                    }
                    result.getLong(3);
                    if (!result.wasNull()) {
                        rows.add(row(result, 3));
                    }
                }
            }
            return new BatchStart(upper, changed, rows);
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
            query.setInt(bindBatch(query, batch, afterTransactionEnd), limit + 1);
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
                    rows.add(row(result, 1));
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
            query.setInt(bindBatch(query, batch, afterId), limit);
            List<JournalRow> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(row(result, 1));
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

    /**
     * Binds a batch's bounds, as {@link #PAGE} and {@link #TRANSACTION_ENDS} take them: its transaction-id range,
     * its upper snapshot, its lower one when it has one, and the place to go on after when there is one (not 0);
     * the number of the next parameter.
     */
    private static int bindBatch(PreparedStatement query, JournalBatch batch, long after) throws SQLException {
        int parameter = 1;
        query.setLong(parameter++, batch.lowestTxId());
        query.setLong(parameter++, batch.txIdLimit());
        query.setString(parameter++, batch.upper().toString());
        if (batch.lower() != null) {
            query.setString(parameter++, batch.lower().toString());
        }
        if (after != 0) {
            query.setLong(parameter++, after);
        }
        return parameter;
    }

    /** Binds {@link TableDefinitions#CHANGED} from {@code parameter} on; the number of the next parameter. */
    private static int bindDefinitions(Connection connection, PreparedStatement query, int parameter, TableDefinitions definitions)
            throws SQLException {
        query.setArray(parameter, connection.createArrayOf("bigint", definitions.relations()));
        query.setArray(parameter + 1, connection.createArrayOf("text", definitions.versions()));
        return parameter + 2;
    }

    private static Long[] boxed(long[] values) {
        return Arrays.stream(values).boxed().toArray(Long[]::new);
    }

    /** The journal row whose {@link #COLUMNS} start at column {@code first}. */
    private static JournalRow row(ResultSet result, int first) throws SQLException {
        return new JournalRow(result.getLong(first), result.getLong(first + 1),
                result.getObject(first + 2, OffsetDateTime.class).toInstant(), result.getLong(first + 3),
                new TableId(result.getString(first + 4), result.getString(first + 5)), result.getString(first + 6).charAt(0),
                result.getString(first + 7), result.getString(first + 8));
    }

    /** A batch's upper snapshot, whether the catalog changed under the table definitions held, and its first page when read. */
    record BatchStart(TxSnapshot upper, boolean definitionsChanged, List<JournalRow> rows) {
    }
}
