package dev.pgcdc.source.logical;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The hand-over from the replication reader to the pipeline, bounded by the bytes it holds rather than
 * by a count: one transaction of 1 MB rows must not fill the heap. A message larger than the whole bound
 * is still admitted when the queue is empty, so no message can block forever. Thread-safe.
 */
final class WalQueue {

    /** One pgoutput message and the WAL position it was read at. */
    record Received(ByteBuffer message, Lsn lsn) {
        int size() {
            return message.remaining();
        }
    }

    private final long capacityBytes;
    private final ArrayDeque<Received> items = new ArrayDeque<>();
    private long bytes;

    WalQueue(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    /** Adds {@code item}, waiting up to {@code timeout} for room; false when there was none in time. */
    synchronized boolean offer(Received item, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!items.isEmpty() && bytes + item.size() > capacityBytes) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        items.addLast(item);
        bytes += item.size();
        notifyAll();
        return true;
    }

    /** The oldest item, waiting up to {@code timeout} for one; null when none came. */
    synchronized Received poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (items.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        Received item = items.pollFirst();
        bytes -= item.size();
        notifyAll();
        return item;
    }

    synchronized long bytes() {
        return bytes;
    }
}
