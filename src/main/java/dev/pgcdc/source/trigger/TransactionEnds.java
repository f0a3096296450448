package dev.pgcdc.source.trigger;

import java.util.Arrays;

/**
 * Transactions of one batch that exactly-once capture has yet to read, in order of their last journal id, as
 * one query found them: each with its last id and (at least) its rows at or after the place the query started
 * from. Found once for many pages: ranking the batch's remaining transactions on every page made each page cost
 * the whole remaining backlog, so a backlog drained in quadratic time.
 */
final class TransactionEnds {

    private final long[] txIds;
    private final long[] lastIds;
    private final long[] rowCounts;
    /** Whether these are all the batch's transactions from the place the query started. */
    private final boolean complete;
    /** The first transaction not yet read whole. */
    private int next;

    TransactionEnds(long[] txIds, long[] lastIds, long[] rowCounts, boolean complete) {
        if (txIds.length != lastIds.length || txIds.length != rowCounts.length) {
            throw new IllegalArgumentException("one last id and one row count per transaction");
        }
        this.txIds = txIds;
        this.lastIds = lastIds;
        this.rowCounts = rowCounts;
        this.complete = complete;
    }

    /** Whether every transaction found was read whole, but the batch may hold more: find the next ones. */
    boolean exhausted(long afterTransactionEnd, long afterId) {
        skipRead(afterTransactionEnd, afterId);
        return next == txIds.length && !complete;
    }

    /** Whether the batch was read whole. */
    boolean allRead(long afterTransactionEnd, long afterId) {
        skipRead(afterTransactionEnd, afterId);
        return next == txIds.length && complete;
    }

    /**
     * The transactions a page of {@code limit} rows from the given place can reach: the one being read and those
     * after it until their rows make a page. A page may come out shorter (the one being read was partly read).
     */
    Reach reach(long afterTransactionEnd, long afterId, int limit) {
        skipRead(afterTransactionEnd, afterId);
        int end = next;
        long rows = 0;
        while (end < txIds.length && rows < limit) {
            rows += rowCounts[end];
            end++;
        }
        return new Reach(Arrays.copyOfRange(txIds, next, end), Arrays.copyOfRange(lastIds, next, end));
    }

    /** A transaction is read whole once the place reached is its last row, or a later transaction's. */
    private void skipRead(long afterTransactionEnd, long afterId) {
        while (next < txIds.length && (lastIds[next] < afterTransactionEnd
                || lastIds[next] == afterTransactionEnd && afterId == afterTransactionEnd)) {
            next++;
        }
    }

    /** Transactions by id, with their last journal ids, in that order. */
    record Reach(long[] txIds, long[] lastIds) {
    }
}
