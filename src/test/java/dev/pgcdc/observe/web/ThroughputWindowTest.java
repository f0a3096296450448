package dev.pgcdc.observe.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThroughputWindowTest {

    @Test
    void aPointIsTheRateAndLargestLagSinceThePreviousOne() {
        ThroughputWindow window = new ThroughputWindow(10, 1_000);
        window.record(30);
        window.record(120);
        window.record(-1);
        window.record(5);
        assertThat(window.close(3_000)).isEqualTo(new ThroughputWindow.Point(3_000, 2.0, 120));
        window.record(7);
        assertThat(window.close(3_500)).isEqualTo(new ThroughputWindow.Point(3_500, 2.0, 7));
    }

    @Test
    void anIntervalWithoutChangesHasZeroRateAndNoLag() {
        ThroughputWindow window = new ThroughputWindow(10, 0);
        assertThat(window.close(1_000)).isEqualTo(new ThroughputWindow.Point(1_000, 0.0, -1));
    }

    @Test
    void changesWithoutACommitTimeCountButHaveNoLag() {
        ThroughputWindow window = new ThroughputWindow(10, 0);
        window.record(-1);
        assertThat(window.close(1_000)).isEqualTo(new ThroughputWindow.Point(1_000, 1.0, -1));
    }

    @Test
    void keepsOnlyTheNewestPoints() {
        ThroughputWindow window = new ThroughputWindow(3, 0);
        for (int second = 1; second <= 5; second++) {
            window.close(second * 1_000L);
        }
        assertThat(window.points()).extracting(ThroughputWindow.Point::endMillis).containsExactly(3_000L, 4_000L, 5_000L);
    }
}
