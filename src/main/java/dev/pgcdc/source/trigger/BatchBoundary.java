package dev.pgcdc.source.trigger;

import dev.pgcdc.event.Position;

/**
 * The end of a journal batch, as its upper snapshot: every transaction visible in it has been read. Exactly-once
 * capture stores it (printed as {@code xmin:xmax:xip,...}) and resumes with the batch that follows it.
 */
record BatchBoundary(TxSnapshot upper) implements Position {

    @Override
    public String toString() {
        return upper.toString();
    }
}
