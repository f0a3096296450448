package dev.pgcdc.bench.report;

/** Percentiles of one measurement, in milliseconds; travels between processes as one line of text. */
public record LatencySummary(long count, long p50, long p95, long p99, long p999, long max, double mean) {

    public String toLine() {
        return "count=" + count + " p50=" + p50 + " p95=" + p95 + " p99=" + p99 + " p999=" + p999 + " max=" + max
                + " mean=" + mean;
    }

    public static LatencySummary fromLine(KeyValues line) {
        return new LatencySummary(line.longValue("count"), line.longValue("p50"), line.longValue("p95"),
                line.longValue("p99"), line.longValue("p999"), line.longValue("max"), line.doubleValue("mean"));
    }
}
