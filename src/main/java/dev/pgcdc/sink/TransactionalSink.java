package dev.pgcdc.sink;

import dev.pgcdc.event.Position;

/**
 * A sink that delivers atomically: everything sent since the last commit, together with the source position
 * it reaches, becomes visible at once or not at all. Called from one thread.
 */
public interface TransactionalSink extends Sink {

    /**
     * Stores {@code position} as the capture's position and commits it together with every change sent since
     * the last commit or abort. Blocks until the commit is durable.
     *
     * @throws dev.pgcdc.error.CdcException when the commit fails (also when another instance took over); none
     *                                      of the changes since the last commit is then visible
     */
    void commit(Position position);

    /** Drops every change sent since the last commit; none of them becomes visible. */
    void abort();

    /** Changes sent since the last commit or abort. */
    long uncommitted();
}
