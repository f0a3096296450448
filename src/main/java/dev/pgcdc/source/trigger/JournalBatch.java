package dev.pgcdc.source.trigger;

/**
 * The journal rows of the transactions that ended between two snapshots: visible in {@code upper} and not in
 * {@code lower} (PgQ's batch rule). With no lower snapshot (the first batch after a start) it holds every
 * transaction that ended before {@code upper}. Consecutive batches partition the committed transactions, and
 * a transaction that waited for another to end always lands in the same batch as it or a later one.
 */
record JournalBatch(TxSnapshot lower, TxSnapshot upper) {

    JournalBatch {
        if (upper == null) {
            throw new IllegalArgumentException("a batch needs its upper snapshot");
        }
    }

    /** No transaction below this id can be in the batch: it had ended before the lower snapshot. */
    long lowestTxId() {
        return lower == null ? 0 : lower.xmin();
    }

    /** Every transaction in the batch has an id below this one. */
    long txIdLimit() {
        return upper.xmax();
    }
}
