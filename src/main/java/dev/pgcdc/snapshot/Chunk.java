package dev.pgcdc.snapshot;

import dev.pgcdc.event.TableId;

import java.util.List;

/**
 * One chunk of a table as read: its rows as {@code row_to_json} text in key order.
 *
 * @param covered the key range this chunk's rows are all the rows of (as of its read)
 * @param rest    what is left of the range the worker was given, when the chunk stopped early (its row
 *                limit, or its memory bound); null when the range is read to its end
 */
record Chunk(TableId table, List<String> keyColumns, List<String> rows, KeyRange covered, KeyRange rest, long readAtMillis) {

    Chunk {
        rows = List.copyOf(rows);
        keyColumns = List.copyOf(keyColumns);
    }
}
