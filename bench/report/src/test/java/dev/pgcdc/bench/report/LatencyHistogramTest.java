package dev.pgcdc.bench.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatencyHistogramTest {

    @Test
    void percentilesFollowTheNearestRankDefinition() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int ms = 1; ms <= 1000; ms++) {
            histogram.record(ms);
        }

        assertThat(histogram.percentile(50)).isEqualTo(500);
        assertThat(histogram.percentile(99)).isEqualTo(990);
        assertThat(histogram.percentile(99.9)).isEqualTo(999);
        assertThat(histogram.percentile(100)).isEqualTo(1000);
        assertThat(histogram.percentile(0.01)).isEqualTo(1);
    }

    @Test
    void aFewSlowChangesShowInTheTailNotTheMedian() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < 980; i++) {
            histogram.record(5);
        }
        for (int i = 0; i < 20; i++) {
            histogram.record(400);
        }

        LatencySummary summary = histogram.summary();

        assertThat(summary.p50()).isEqualTo(5);
        assertThat(summary.p95()).isEqualTo(5);
        assertThat(summary.p99()).isEqualTo(400);
        assertThat(summary.max()).isEqualTo(400);
        assertThat(summary.mean()).isEqualTo((980 * 5 + 20 * 400) / 1000.0);
        assertThat(summary.count()).isEqualTo(1000);
    }

    @Test
    void valuesBeyondTheTrackedRangeKeepTheirExactMaximum() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(1);
        histogram.record(LatencyHistogram.MAX_TRACKED_MS + 12_345L);

        assertThat(histogram.percentile(100)).isEqualTo(LatencyHistogram.MAX_TRACKED_MS + 12_345L);
        assertThat(histogram.percentile(50)).isEqualTo(1);
    }

    @Test
    void clockSkewBelowZeroCountsAsZero() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(-1);
        histogram.record(3);

        assertThat(histogram.percentile(50)).isZero();
        assertThat(histogram.summary().mean()).isEqualTo(1.5);
    }

    @Test
    void anEmptyHistogramHasNoPercentiles() {
        assertThatThrownBy(() -> new LatencyHistogram().percentile(50)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new LatencyHistogram().percentile(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void summaryTravelsThroughItsResultLine() {
        LatencySummary summary = new LatencySummary(10, 1, 2, 3, 4, 5, 2.5);

        assertThat(LatencySummary.fromLine(KeyValues.parse("RESULT " + summary.toLine() + " extra=x"))).isEqualTo(summary);
    }
}
