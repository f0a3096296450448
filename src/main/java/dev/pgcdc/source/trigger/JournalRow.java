package dev.pgcdc.source.trigger;

import dev.pgcdc.event.TableId;

import java.time.Instant;

/** One row of {@code pgcdc.journal}, as read; row images are row_to_json text or null. */
record JournalRow(long id, long txId, Instant changedAt, TableId table, char op, String oldRow, String newRow) {
}
