package dev.pgcdc.source.trigger;

import dev.pgcdc.event.Position;

/** A journal row's id: the change it identifies is removed from the journal once confirmed. */
record JournalPosition(long id) implements Position {
}
