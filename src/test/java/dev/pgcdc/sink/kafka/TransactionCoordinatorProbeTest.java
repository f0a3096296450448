package dev.pgcdc.sink.kafka;

import org.apache.kafka.clients.admin.TransactionState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionCoordinatorProbeTest {

    private static final long FAILED_AT = 1_000_000;

    @ParameterizedTest(name = "{0}, started at {1}: ended by another = {2}")
    @CsvSource({
            "PREPARE_ABORT, , true",
            "COMPLETE_ABORT, , true",
            "PREPARE_EPOCH_FENCE, , true",
            "EMPTY, , true",
            "ONGOING, 1000001, true",
            "ONGOING, 999000, false",
            "ONGOING, , false",
            "PREPARE_COMMIT, , false",
            "COMPLETE_COMMIT, , false",
            "UNKNOWN, , false",
    })
    void aTransactionAbortedOrFollowedByAnotherIsTheNewerInstancesDoing(TransactionState state, Long startedAt, boolean expected) {
        OptionalLong started = startedAt == null ? OptionalLong.empty() : OptionalLong.of(startedAt);
        assertThat(TransactionCoordinatorProbe.endedByAnother(state, started, FAILED_AT)).isEqualTo(expected);
    }
}
