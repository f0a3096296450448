package dev.pgcdc.bench.report;

/**
 * End-to-end latencies in whole milliseconds (the resolution of Kafka's LogAppendTime and of {@code source.ts_ms}),
 * counted exactly up to {@link #MAX_TRACKED_MS}; larger values land in the last bucket and are still reported
 * exactly as the maximum. Negative values (the broker's clock read a little before PostgreSQL's on the same
 * machine, within a millisecond) count as 0.
 */
public final class LatencyHistogram {

    public static final int MAX_TRACKED_MS = 600_000;

    private final long[] counts = new long[MAX_TRACKED_MS + 1];
    private long total;
    private long sum;
    private long max;

    public void record(long millis) {
        long value = Math.max(0, millis);
        counts[(int) Math.min(value, MAX_TRACKED_MS)]++;
        total++;
        sum += value;
        max = Math.max(max, value);
    }

    public long count() {
        return total;
    }

    /**
     * The smallest recorded value such that at least {@code percentile}% of all values are at or below it
     * (the nearest-rank definition), so p100 is the maximum and p50 of {1, 2} is 1.
     */
    public long percentile(double percentile) {
        if (percentile <= 0 || percentile > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + percentile);
        }
        if (total == 0) {
            throw new IllegalStateException("no values recorded");
        }
        // The epsilon keeps binary rounding (99.9 / 100 * 1000 = 999.0000000000001) from skipping a rank.
        long rank = Math.max(1, (long) Math.ceil(percentile * total / 100.0 - 1e-9));
        long seen = 0;
        for (int value = 0; value < counts.length; value++) {
            seen += counts[value];
            if (seen >= rank) {
                return value == MAX_TRACKED_MS ? max : value;
            }
        }
        return max;
    }

    public LatencySummary summary() {
        return new LatencySummary(total, percentile(50), percentile(95), percentile(99), percentile(99.9), max,
                (double) sum / total);
    }
}
