package dev.pgcdc.pipeline;

import dev.pgcdc.event.Position;

import java.util.ArrayDeque;

/**
 * Changes handed to the sink and not yet acknowledged, in source order. Acknowledgements may arrive in any
 * order (different partitions), but the confirmable position only advances to the oldest change still
 * waiting: a source must never confirm a position while a change before it could still be lost.
 * Thread-safe: sends happen on the pipeline thread, acknowledgements on the sink's.
 */
final class InFlightEvents {

    /** One sent change; mutable only under the lock of its {@link InFlightEvents}. */
    static final class Ticket {
        private final Position position;
        private boolean acknowledged;

        private Ticket(Position position) {
            this.position = position;
        }
    }

    private final ArrayDeque<Ticket> pending = new ArrayDeque<>();
    private Position confirmable;
    private Exception failure;
    private long acknowledgedCount;

    synchronized Ticket add(Position position) {
        Ticket ticket = new Ticket(position);
        pending.addLast(ticket);
        return ticket;
    }

    synchronized void acknowledge(Ticket ticket) {
        ticket.acknowledged = true;
        acknowledgedCount++;
        while (!pending.isEmpty() && pending.peekFirst().acknowledged) {
            Position position = pending.pollFirst().position;
            if (position != null) {
                confirmable = position;
            }
        }
        notifyAll();
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
