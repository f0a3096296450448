package dev.pgcdc.snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * How far one table's snapshot is, as far as Kafka has acknowledged it: the key ranges whose chunks are
 * completed, touching ranges merged. Chunks of one table are read in parallel and complete in any order, so
 * this is a set of ranges rather than one last key; the table is done when they merge into the whole key space.
 *
 * @param completed disjoint, merged ranges, in no particular order
 * @param rows      rows read in completed chunks
 */
public record TableProgress(List<KeyRange> completed, long rows) {

    public static final TableProgress NOT_STARTED = new TableProgress(List.of(), 0);

    public TableProgress {
        completed = List.copyOf(completed);
    }

    /** Every chunk is completed. */
    public boolean done() {
        return completed.size() == 1 && completed.get(0).equals(KeyRange.WHOLE);
    }

    /** The last key of the completed ranges that start at the table's first row: every key up to it is done (null: none). */
    List<String> lastKey() {
        return completed.stream().filter(range -> range.lo() == null).findFirst().map(KeyRange::hi).orElse(null);
    }

    /** The completed ranges after a gap: chunks of other workers that ended before the ones in between. */
    List<KeyRange> later() {
        return completed.stream().filter(range -> range.lo() != null).toList();
    }

    /** This progress with one more completed chunk, merged with the ranges it touches. */
    TableProgress with(KeyRange chunk, long chunkRows) {
        List<KeyRange> ranges = new ArrayList<>(completed);
        KeyRange merged = chunk;
        KeyRange before = ranges.stream().filter(range -> range.endsAt(chunk)).findFirst().orElse(null);
        if (before != null) {
            ranges.remove(before);
            merged = new KeyRange(before.lo(), merged.hi());
        }
        KeyRange after = ranges.stream().filter(chunk::endsAt).findFirst().orElse(null);
        if (after != null) {
            ranges.remove(after);
            merged = new KeyRange(merged.lo(), after.hi());
        }
        ranges.add(merged);
        return new TableProgress(ranges, rows + chunkRows);
    }
}
