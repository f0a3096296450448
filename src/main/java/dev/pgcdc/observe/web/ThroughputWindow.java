package dev.pgcdc.observe.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Changes per second and their lag over the last minutes. {@link #record} is called for every change, from
 * any thread, and only adds to counters; once a second {@link #close} turns what was recorded since the
 * last call into one {@link Point} and keeps the newest {@code capacity} of them.
 */
final class ThroughputWindow {

    /**
     * One interval.
     *
     * @param endMillis when it ended
     * @param perSecond changes per second in it
     * @param lagMillis the largest lag of a change in it, or -1 when none had a known commit time
     */
    record Point(long endMillis, double perSecond, long lagMillis) {
    }

    private final int capacity;
    private final LongAdder changes = new LongAdder();
    private final AtomicLong maxLag = new AtomicLong(-1);
    private final ArrayDeque<Point> points = new ArrayDeque<>();
    private long lastCloseMillis;

    ThroughputWindow(int capacity, long startMillis) {
        this.capacity = capacity;
        this.lastCloseMillis = startMillis;
    }

    /** @param lagMillis how long after its commit the change was seen, or negative when its commit time is unknown */
    void record(long lagMillis) {
        changes.increment();
        if (lagMillis >= 0) {
            maxLag.accumulateAndGet(lagMillis, Math::max);
        }
    }

    /** Ends the current interval at {@code nowMillis}; called from one thread. */
    synchronized Point close(long nowMillis) {
        long count = changes.sumThenReset();
        long lag = maxLag.getAndSet(-1);
        long elapsed = Math.max(1, nowMillis - lastCloseMillis);
        lastCloseMillis = nowMillis;
        Point point = new Point(nowMillis, count * 1000.0 / elapsed, lag);
        points.addLast(point);
        if (points.size() > capacity) {
            points.removeFirst();
        }
        return point;
    }

    /** The kept points, oldest first. */
    synchronized List<Point> points() {
        return new ArrayList<>(points);
    }
}
