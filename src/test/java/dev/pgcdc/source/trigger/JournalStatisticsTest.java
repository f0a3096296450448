package dev.pgcdc.source.trigger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class JournalStatisticsTest {

    @ParameterizedTest(name = "full pages for {0} ms, {1} s after the last analyze: due {2}")
    @CsvSource({
            "0, 1000, false",
            "999, 1000, false",
            "1000, 1000, true",
            "60000, 1000, true",
            "1000, 9, false",
            "1000, 10, true",
            "999, 10, false",
    })
    void aBacklogReadForASecondIsAnalyzedAtMostOnceAnInterval(long readingMillis, long secondsSince, boolean due) {
        assertThat(JournalStatistics.due(Duration.ofMillis(readingMillis).toNanos(), Duration.ofSeconds(secondsSince).toNanos(),
                Duration.ofSeconds(1), Duration.ofSeconds(10))).isEqualTo(due);
    }
}
