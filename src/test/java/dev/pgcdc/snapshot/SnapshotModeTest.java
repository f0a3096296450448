package dev.pgcdc.snapshot;

import dev.pgcdc.snapshot.SnapshotMode.Decision;
import dev.pgcdc.snapshot.SnapshotMode.Recorded;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotModeTest {

    @ParameterizedTest(name = "{0}, first start {1}, recorded {2} -> {3}")
    @CsvSource({
            "INITIAL, true, NOTHING, START_NEW",
            "INITIAL, false, NOTHING, SKIP",
            "INITIAL, false, UNFINISHED, RESUME",
            "INITIAL, true, FINISHED, SKIP",
            "INITIAL, false, FINISHED, SKIP",
            "INITIAL_ONLY, true, NOTHING, START_NEW",
            "INITIAL_ONLY, false, UNFINISHED, RESUME",
            "INITIAL_ONLY, false, FINISHED, SKIP",
            "NO_DATA, true, NOTHING, SKIP",
            "NO_DATA, false, UNFINISHED, SKIP",
            "WHEN_NEEDED, true, FINISHED, START_NEW",
            "WHEN_NEEDED, false, FINISHED, SKIP",
            "WHEN_NEEDED, false, UNFINISHED, RESUME",
            "ALWAYS, false, FINISHED, START_NEW",
            "ALWAYS, false, NOTHING, START_NEW",
            "ALWAYS, false, UNFINISHED, RESUME",
    })
    void eachModeDecidesAsDebeziumDoesAndAnInterruptedSnapshotResumes(SnapshotMode mode, boolean firstStart, Recorded recorded,
                                                                       Decision expected) {
        assertThat(mode.decide(firstStart, recorded)).isEqualTo(expected);
    }
}
