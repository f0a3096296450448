package dev.pgcdc.snapshot;

import java.util.List;

/**
 * How far one table's snapshot is, as far as Kafka has acknowledged it.
 *
 * @param lastKey the primary-key values (as text, in key order) of the last row of the last completed chunk;
 *                null before the first chunk
 * @param rows    rows read in completed chunks
 * @param done    every chunk is completed
 */
public record TableProgress(List<String> lastKey, long rows, boolean done) {

    public static final TableProgress NOT_STARTED = new TableProgress(null, 0, false);

    public TableProgress {
        lastKey = lastKey == null ? null : List.copyOf(lastKey);
    }
}
