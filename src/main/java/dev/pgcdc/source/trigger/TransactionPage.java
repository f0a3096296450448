package dev.pgcdc.source.trigger;

import java.util.List;

/**
 * One page of a batch read transaction by transaction: the rows, and where the next page starts (the last
 * row's transaction end, the highest id among that transaction's rows, and the last row's id).
 */
record TransactionPage(List<JournalRow> rows, long lastTransactionEnd, long lastId) {
}
