package dev.pgcdc.source.trigger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class JournalStatisticsTest {

    @ParameterizedTest(name = "{0} full pages in a row, {1} s after the last analyze: due {2}")
    @CsvSource({
            "0, 1000, false",
            "1, 1000, false",
            "9, 1000, false",
            "10, 1000, true",
            "50, 1000, true",
            "10, 9, false",
            "10, 10, true",
            "9, 10, false",
    })
    void aBacklogIsAnalyzedAfterTenFullPagesInARowAtMostOnceAnInterval(int fullPages, long secondsSince, boolean due) {
        assertThat(JournalStatistics.due(fullPages, Duration.ofSeconds(secondsSince).toNanos(), Duration.ofSeconds(10))).isEqualTo(due);
    }
}
