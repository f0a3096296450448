package dev.pgcdc.source.trigger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Reads a batch transaction by transaction, for exactly-once capture: pages that keep each transaction's rows
 * together, in order of each transaction's last journal id ({@link JournalReader#transactionEnds}), so a Kafka
 * transaction never needs to end inside a PostgreSQL one. Tracks where in the batch reading got.
 */
final class TransactionReader {

    private final JournalReader reader;
    private final int pageSize;
    /** The batch's transactions still to read, as last found; null until found for this batch. */
    private TransactionEnds ends;
    /** The last journal id of the transaction the last row read belongs to (0: none read in this batch). */
    private long lastTransactionEnd;
    private long lastIdRead;

    TransactionReader(JournalReader reader, int pageSize) {
        this.reader = reader;
        this.pageSize = pageSize;
    }

    /** A new batch, read from its start. */
    void startBatch() {
        ends = null;
        lastTransactionEnd = 0;
        lastIdRead = 0;
    }

    /** Goes on inside a batch after the transaction whose last journal id is {@code transactionEnd}, which was read whole. */
    void resumeAfter(long transactionEnd) {
        ends = null;
        lastTransactionEnd = transactionEnd;
        lastIdRead = transactionEnd;
    }

    /** The next page of {@code batch}: empty once it was read whole. */
    List<JournalRow> next(Connection connection, JournalBatch batch) throws SQLException {
        if (ends == null || ends.exhausted(lastTransactionEnd, lastIdRead)) {
            ends = reader.transactionEnds(connection, batch, lastTransactionEnd, transactionsFoundAtOnce());
        }
        if (ends.allRead(lastTransactionEnd, lastIdRead)) {
            return List.of();
        }
        TransactionPage page = reader.pageOf(connection, ends.reach(lastTransactionEnd, lastIdRead, pageSize),
                lastTransactionEnd, lastIdRead, pageSize);
        lastTransactionEnd = page.lastTransactionEnd();
        lastIdRead = page.lastId();
        return page.rows();
    }

    /** Whether the batch was read whole. */
    boolean batchRead() {
        return ends != null && ends.allRead(lastTransactionEnd, lastIdRead);
    }

    /** Whether the last row read is its transaction's last: a place to commit inside a batch. */
    boolean atTransactionEnd() {
        return lastIdRead != 0 && lastIdRead == lastTransactionEnd;
    }

    /** The last journal id of the last transaction read whole, when {@link #atTransactionEnd()}. */
    long lastTransactionEnd() {
        return lastTransactionEnd;
    }

    /**
     * How many of a batch's transactions one query finds: enough for many pages of single-row transactions, so
     * a backlog of them is grouped a few times only, within a few megabytes.
     */
    private int transactionsFoundAtOnce() {
        return Math.min(pageSize * 200, 100_000);
    }
}
