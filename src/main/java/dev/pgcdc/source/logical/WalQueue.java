package dev.pgcdc.source.logical;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The hand-over from the replication reader to the pipeline, bounded by the bytes it holds rather than
 * by a count: one transaction of 1 MB rows must not fill the heap. A message larger than the whole bound
 * is still admitted when the queue is empty, so no message can block forever. Thread-safe.
 *
 * <p>A waiting pipeline is woken only when it has something to hand over: at a message that ends work (a commit),
 * after {@link #WAKE_BYTES} more bytes of a long transaction, or before the reader waits for room. Waking it for
 * the begin and each change of a small transaction as well would cost a thread switch each for nothing, which at a
 * thousand one-row transactions a second was most of capture's CPU. Likewise a reader waiting for room is woken once
 * half the bound is free (or the queue is empty), not at each message taken: draining a backlog, the queue is full
 * all the time, and that woke the reader about 100,000 times for a 1,000,000-row backlog.
 */
final class WalQueue {

    /** Bytes of a transaction in progress after which a waiting pipeline is woken to start handing it over. */
    static final long WAKE_BYTES = 64 * 1024;

    /** One pgoutput message and the WAL position it was read at. */
    record Received(ByteBuffer message, Lsn lsn) {
        int size() {
            return message.remaining();
        }
    }

    private final long capacityBytes;
    private final ArrayDeque<Received> items = new ArrayDeque<>();
    private long bytes;
    private long bytesSinceWake;
    /** The size of the item the reader waits to add, -1 when it does not wait. */
    private long offering = -1;

    WalQueue(long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    /**
     * Adds {@code item}, waiting up to {@code timeout} for room; false when there was none in time. {@code endsWork}:
     * whether the pipeline can hand something over once it has this item (see the class comment).
     */
    synchronized boolean offer(Received item, boolean endsWork, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!items.isEmpty() && bytes + item.size() > capacityBytes) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wake();
            offering = item.size();
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } finally {
                offering = -1;
            }
        }
        items.addLast(item);
        bytes += item.size();
        bytesSinceWake += item.size();
        if (endsWork || bytesSinceWake >= WAKE_BYTES) {
            wake();
        }
        return true;
    }

    private void wake() {
        bytesSinceWake = 0;
        notifyAll();
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
        if (offering >= 0 && (items.isEmpty() || bytes <= Math.min(capacityBytes / 2, capacityBytes - offering))) {
            notifyAll();
        }
        return item;
    }

    synchronized long bytes() {
        return bytes;
    }
}
