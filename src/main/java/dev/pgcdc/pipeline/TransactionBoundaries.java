package dev.pgcdc.pipeline;

import dev.pgcdc.event.Position;

import java.time.Duration;

/**
 * Decides where a Kafka transaction may end: only right after a position, the point where a whole source
 * transaction has been sent (a change that carries a position is the last of its PostgreSQL transaction, a
 * position without events covers everything sent before it). Changes without a position are inside a
 * source transaction, so no Kafka transaction ends after them however long it grows. Among the allowed
 * points, it ends once {@code interval} has passed since the last commit or {@code maxChanges} were sent,
 * or as soon as the source has nothing more to hand over.
 *
 * <p>Any source that marks its resumable points with positions is covered the same way, snapshot chunks
 * included: a snapshot's rows commit together with the position that says how far the snapshot got.
 * Pure: the caller passes the time.
 */
final class TransactionBoundaries {

    private final long intervalNanos;
    private final long maxChanges;
    private long lastCommitNanos;
    private long sent;
    private Position boundary;

    TransactionBoundaries(Duration interval, long maxChanges, long nowNanos) {
        this.intervalNanos = interval.toNanos();
        this.maxChanges = maxChanges;
        this.lastCommitNanos = nowNanos;
    }

    /** Whether to commit before sending a change at {@code next}; a change with the same position belongs to the same transaction. */
    boolean commitBefore(Position next, long nowNanos) {
        return boundary != null && !boundary.equals(next) && due(nowNanos);
    }

    /** Whether to commit now, at the end of what the source handed over. */
    boolean commitNow(long nowNanos) {
        return boundary != null && due(nowNanos);
    }

    /**
     * How long a wait for more changes may last: not at all while a boundary waits to be committed, since a
     * source with nothing more to hand over right now has its transactions committed at once ({@link
     * #commitWhenIdle}); {@code max} otherwise (nothing to commit, or a source transaction half sent).
     */
    Duration untilCommit(Duration max) {
        return boundary == null ? max : Duration.ZERO;
    }

    /**
     * Whether to commit now that the source had nothing more to hand over: whenever a boundary is waiting. The
     * interval bounds how long a busy source's changes wait for their commit; a source that paused gets its
     * last transactions committed without waiting out the interval, so a change waits at most for the commit in
     * progress and its own. Under load commits still group many changes: those arriving during a commit go
     * into the next transaction together.
     */
    boolean commitWhenIdle() {
        return boundary != null;
    }

    void sent(Position position) {
        sent++;
        boundary = position;
    }

    void reachedWithoutEvents(Position position) {
        boundary = position;
    }

    /** The position a commit now would store; null while a source transaction is half sent. */
    Position boundary() {
        return boundary;
    }

    void committed(long nowNanos) {
        lastCommitNanos = nowNanos;
        sent = 0;
        boundary = null;
    }

    /** Everything since the last commit was dropped: it comes again from the source. */
    void aborted() {
        sent = 0;
        boundary = null;
    }

    private boolean due(long nowNanos) {
        return sent >= maxChanges || nowNanos - lastCommitNanos >= intervalNanos;
    }
}
