package dev.pgcdc.observe.web;

/**
 * What the pipeline tells the live view, at the cost of a few counters and one slot in a ring per change:
 * never a lock, a parse or a wait, so it can sit on the path every change takes.
 */
public final class LiveFeed {

    /** Changes kept for a page that opens, and the most it shows per refresh when changes come faster. */
    static final int RECENT = 50;
    /** Five minutes of one-second points. */
    static final int HISTORY_POINTS = 300;
    /** A larger value is kept as a short placeholder, so the ring's memory stays small whatever rows hold. */
    static final int MAX_KEPT_VALUE = 64 * 1024;

    private final RecentChanges<Seen> recent = new RecentChanges<>(RECENT);
    private final ThroughputWindow window = new ThroughputWindow(HISTORY_POINTS, System.currentTimeMillis());
    /** Changes that may still be shown this second: a burst of {@link #RECENT}, then {@link #RECENT} a second. */
    private double showable = RECENT;
    private long showableAtMillis = System.currentTimeMillis();

    /**
     * Whether a change sent now is to be shown once acknowledged. A page shows at most {@link #RECENT} changes per
     * refresh, so capture keeps a change's value for the view only for that many a second; the others' values are
     * garbage as soon as the producer has copied them, instead of living until Kafka acknowledges them.
     */
    public synchronized boolean showNext(long nowMillis) {
        if (nowMillis > showableAtMillis) {
            showable = Math.min(RECENT, showable + (nowMillis - showableAtMillis) * RECENT / 1000.0);
            showableAtMillis = nowMillis;
        }
        if (showable < 1) {
            return false;
        }
        showable--;
        return true;
    }

    /** A change counted in the throughput and lag history but not shown (see {@link #showNext}). */
    public void counted(long commitMillis, long seenMillis) {
        window.record(commitMillis > 0 ? seenMillis - commitMillis : -1);
    }

    /**
     * @param value        the envelope text, or null for a tombstone
     * @param commitMillis the change's commit time ({@code source.ts_ms}), or -1 when unknown
     * @param seenMillis   now: when Kafka acknowledged it (capture) or when it was read (consume)
     */
    public void seen(String topic, String key, String value, long commitMillis, long seenMillis) {
        window.record(commitMillis > 0 ? seenMillis - commitMillis : -1);
        String kept = value == null || value.length() <= MAX_KEPT_VALUE ? value
                : "\"(" + value.length() + " characters, too large to show)\"";
        recent.add(new Seen(topic, key, kept, commitMillis, seenMillis));
    }

    RecentChanges<Seen> recent() {
        return recent;
    }

    ThroughputWindow window() {
        return window;
    }
}
