package dev.pgcdc.snapshot;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.TableId;

import java.util.List;

/**
 * One chunk of a table as read: an {@code "op":"r"} event per row, in key order, built by the worker.
 *
 * @param covered the key range this chunk's rows are all the rows of (as of its read)
 * @param rest    what is left of the range the worker was given, when the chunk stopped early (its row
 *                limit, or its memory bound); null when the range is read to its end
 */
record Chunk(TableId table, List<ChangeEvent> events, KeyRange covered, KeyRange rest) {

    Chunk {
        events = List.copyOf(events);
    }
}
