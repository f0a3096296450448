package dev.pgcdc.snapshot;

import dev.pgcdc.event.TableId;

import java.util.List;

/**
 * One chunk of a table as read: its rows as {@code row_to_json} text in key order.
 *
 * @param lastKey the last row's key values as text, or the previous chunk's when the chunk is empty
 * @param last    no row comes after this chunk
 */
record Chunk(TableId table, List<String> keyColumns, List<String> rows, List<String> lastKey, boolean last, long readAtMillis) {

    Chunk {
        rows = List.copyOf(rows);
        keyColumns = List.copyOf(keyColumns);
        lastKey = lastKey == null ? null : List.copyOf(lastKey);
    }
}
