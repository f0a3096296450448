package dev.pgcdc.snapshot;

import java.util.List;

/**
 * A range of a table's primary key, as the key's text values (in key order): rows with key {@code > lo} and
 * {@code <= hi}. Bounds come from {@code key::text} of real rows, so two ranges touch exactly when one's
 * {@code hi} equals the other's {@code lo}, which needs no knowledge of the key's types.
 *
 * @param lo exclusive lower bound, null: from the table's first row
 * @param hi inclusive upper bound, null: to the table's last row, including rows inserted later
 */
record KeyRange(List<String> lo, List<String> hi) {

    static final KeyRange WHOLE = new KeyRange(null, null);

    KeyRange {
        lo = lo == null ? null : List.copyOf(lo);
        hi = hi == null ? null : List.copyOf(hi);
    }

    /** This range's end is where {@code next} starts. */
    boolean endsAt(KeyRange next) {
        return hi != null && hi.equals(next.lo);
    }
}
