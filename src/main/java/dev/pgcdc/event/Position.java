package dev.pgcdc.event;

/**
 * A point in a source's change stream that the source can confirm once every change up to it is in the
 * sink (a journal id, an LSN). Implementations are immutable values.
 */
public interface Position {
}
