package dev.pgcdc.source.trigger;

import dev.pgcdc.event.TableId;

import java.time.Instant;

/**
 * One row of {@code pgcdc.journal}, as read; row images are row_to_json text or null.
 *
 * @param tableOid    the captured table's oid, or 0 for rows written by a journal installed before it was recorded
 * @param committedAt the transaction's commit time when the server tracks commit timestamps, else the time
 *                    the row changed
 */
record JournalRow(long id, long txId, Instant committedAt, long tableOid, TableId table, char op, String oldRow,
                  String newRow) {
}
