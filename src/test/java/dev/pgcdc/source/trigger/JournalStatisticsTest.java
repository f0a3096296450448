package dev.pgcdc.source.trigger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class JournalStatisticsTest {

    @ParameterizedTest(name = "analyzed at {0} blocks, now {1}: stale {2}")
    @CsvSource({
            "0, 0, false",
            "0, 128, false",
            "0, 129, true",
            "-1, 129, true",
            "7, 142, false",
            "7, 143, true",
            "1000, 2128, false",
            "1000, 2129, true",
            "5000, 3000, false",
    })
    void statisticsAreStaleOnceTheJournalMoreThanDoubledSinceTakenAndGrewBeyondAFewBlocks(long analyzed, long now, boolean stale) {
        assertThat(JournalStatistics.stale(analyzed, now)).isEqualTo(stale);
    }
}
