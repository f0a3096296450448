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
