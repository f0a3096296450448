package dev.pgcdc.pipeline;

import dev.pgcdc.event.Position;

import java.util.ArrayDeque;

/**
 * Changes handed to the sink and not yet acknowledged, in source order. Acknowledgements may arrive in any
 * order (different partitions), but the confirmable position only advances to the oldest change still
 * waiting: a source must never confirm a position while a change before it could still be lost.
 *
 * <p>Positions with nothing to publish (an empty transaction, a heartbeat) take their place in the same
 * order as event-less tickets, acknowledged from birth: they become confirmable exactly when everything
 * before them is. One path for every position; a side channel for them is how a slot once stalled.
 * Thread-safe: sends happen on the pipeline thread, acknowledgements on the sink's.
 */
final class InFlightEvents {

    /** One sent change; mutable only under the lock of its {@link InFlightEvents}. */
    static final class Ticket {
        private final Position position;
        private final long size;
        private boolean acknowledged;

        private Ticket(Position position, long size) {
            this.position = position;
            this.size = size;
        }
    }

    private final ArrayDeque<Ticket> pending = new ArrayDeque<>();
    private Position confirmable;
    private Exception failure;
    private long acknowledgedCount;
    private long heldSize;
    /**
     * The held characters {@link #awaitHeldAtMost} waits for, -1 when nobody waits: acknowledgements wake the waiter only
     * once it can go on. Waking it at each one, as a backlog fills the bound and thousands of acknowledgements a second
     * come in, made it switch threads at each for nothing.
     */
    private long wakeAtHeld = -1;

    synchronized Ticket add(Position position) {
        return add(position, 0);
    }

    /** A change of {@code size} characters (key and value), held in memory until it is acknowledged. */
    synchronized Ticket add(Position position, long size) {
        Ticket ticket = new Ticket(position, size);
        pending.addLast(ticket);
        heldSize += size;
        return ticket;
    }

    /** A position reached without an event: confirmable once every ticket before it is acknowledged. */
    synchronized void addWithoutEvent(Position position) {
        Ticket ticket = new Ticket(position, 0);
        ticket.acknowledged = true;
        pending.addLast(ticket);
        release();
    }

    synchronized void acknowledge(Ticket ticket) {
        if (!ticket.acknowledged) {
            heldSize -= ticket.size;
        }
        ticket.acknowledged = true;
        acknowledgedCount++;
        release();
    }

    /** Characters of the changes sent and not yet acknowledged. */
    synchronized long heldSize() {
        return heldSize;
    }

    /** Waits at most {@code timeoutMillis} until the held changes are at most {@code limit} characters, or a delivery failed. */
    synchronized void awaitHeldAtMost(long limit, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        long left = timeoutMillis;
        wakeAtHeld = limit;
        try {
            while (heldSize > limit && failure == null && left > 0) {
                wait(left);
                left = (deadline - System.nanoTime()) / 1_000_000;
            }
        } finally {
            wakeAtHeld = -1;
        }
    }

    private void release() {
        while (!pending.isEmpty() && pending.peekFirst().acknowledged) {
            Position position = pending.pollFirst().position;
            if (position != null) {
                confirmable = position;
            }
        }
        if (wakeAtHeld >= 0 && heldSize <= wakeAtHeld) {
            notifyAll();
        }
    }

    synchronized void fail(Exception cause) {
        if (failure == null) {
            failure = cause;
        }
        notifyAll();
    }

    /** The newest position whose change and all before it are acknowledged, once; null when nothing new. */
    synchronized Position takeConfirmable() {
        Position position = confirmable;
        confirmable = null;
        return position;
    }

    /** The first delivery failure, or null. */
    synchronized Exception failure() {
        return failure;
    }

    synchronized int size() {
        return pending.size();
    }

    synchronized long acknowledgedCount() {
        return acknowledgedCount;
    }
}
