package dev.pgcdc.source.trigger;

import dev.pgcdc.event.Position;

/**
 * How far exactly-once capture got in the journal, at a transaction's end: either a whole batch (every
 * transaction visible in {@code upper} was read; printed {@code xmin:xmax:xip}) or part of one (the batch
 * between {@code lower} and {@code upper}, read transaction by transaction up to the transaction whose last
 * journal id is {@code transactionEnd}; printed {@code LOWER|UPPER|END}, {@code -} for a missing lower). A
 * partial position lets a batch far larger than one Kafka transaction should be commit piece by piece, and a
 * restart go on inside it: the batch is the same, since its rows stay until it is complete.
 */
record BatchBoundary(TxSnapshot lower, TxSnapshot upper, long transactionEnd, boolean complete) implements Position {

    static BatchBoundary whole(TxSnapshot upper) {
        return new BatchBoundary(null, upper, 0, true);
    }

    static BatchBoundary parse(String text) {
        String[] parts = text.split("\\|", -1);
        if (parts.length == 1) {
            return whole(TxSnapshot.parse(text));
        }
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a journal position: '" + text + "'");
        }
        return new BatchBoundary(parts[0].equals("-") ? null : TxSnapshot.parse(parts[0]), TxSnapshot.parse(parts[1]),
                Long.parseLong(parts[2]), false);
    }

    @Override
    public String toString() {
        return complete ? upper.toString() : (lower == null ? "-" : lower.toString()) + "|" + upper + "|" + transactionEnd;
    }
}
