package dev.pgcdc.source;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Position;

import java.time.Duration;
import java.util.List;

/**
 * A capture mode: it reads changes from PostgreSQL, in the order the source defines, and is told which of
 * them are safely in the sink so it can advance its position. Called from one thread.
 */
public interface Source extends AutoCloseable {

    /**
     * Waits up to {@code timeout} for changes and returns those available, in order; an empty list when
     * none came. A transient failure (a dropped connection) is handled inside: the source reconnects and
     * returns what it has, possibly nothing.
     *
     * @throws dev.pgcdc.error.CdcException when capture cannot go on
     */
    List<ChangeEvent> poll(Duration timeout) throws InterruptedException;

    /**
     * The newest position the last {@link #poll} reached past all the changes it returned without anything
     * to publish (an empty transaction, a heartbeat), once; null when none. The pipeline confirms it in
     * order with the changes, so a quiet source still advances.
     */
    default Position takePositionWithoutEvents() {
        return null;
    }

    /**
     * Whether the last {@link #poll} handed over part of a transaction whose last change (the one that carries
     * its position) is still to come: a clean stop polls on until it is whole, so a restart sends none of it again.
     */
    default boolean midTransaction() {
        return false;
    }

    /**
     * Whether the last {@link #poll} handed over everything the source had read: the next one has to go back
     * to PostgreSQL for more. Exactly-once capture commits there, as when a poll comes back empty: a source
     * that reads in batches (the trigger journal) always finds more under a steady load, and would otherwise
     * keep every change waiting for the interval.
     */
    default boolean caughtUp() {
        return false;
    }

    /** How many truncates were not published since start because {@code --skipped-operations} holds {@code t}. */
    default long skippedTruncates() {
        return 0;
    }

    /**
     * The ids of the snapshot watermarks ({@link SnapshotWatermark}) the last {@link #poll} reached, once, in
     * stream order; every change returned by that poll came before them in the stream, every later change
     * after. Empty for a source that carries none.
     */
    default List<String> takeWatermarks() {
        return List.of();
    }

    /** The on-demand snapshot requests ({@link SnapshotWatermark#SIGNAL_PREFIX}) the last {@link #poll} read, once. */
    default List<String> takeSignals() {
        return List.of();
    }

    /** Whether the source has nothing more to capture and the pipeline should stop (a snapshot-only run). */
    default boolean finished() {
        return false;
    }

    /**
     * How many times the source went back to its last committed position to read on from there (after a lost
     * connection); whatever it handed over past that position comes again. Exactly-once capture drops its
     * uncommitted changes when this moves.
     */
    default long restarts() {
        return 0;
    }

    /**
     * Whether everything handed over past the last committed position comes again after a {@link #restarts()
     * restart}. Not so for a snapshot's chunks: they are read once per run, so exactly-once capture that has
     * to drop uncommitted chunks stops instead, and the next start reads them again.
     */
    default boolean replaysUncommitted() {
        return true;
    }

    /** Every change up to and including {@code position} is acknowledged by the sink. */
    void commit(Position position);

    /** Releases the connection; safe to call twice. */
    @Override
    void close();
}
