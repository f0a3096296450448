package dev.pgcdc.source.trigger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BatchBoundaryTest {

    @Test
    void aWholeBatchIsStoredAsItsUpperSnapshot() {
        BatchBoundary whole = BatchBoundary.whole(TxSnapshot.parse("10:15:11,13"));
        assertThat(whole.toString()).isEqualTo("10:15:11,13");
        assertThat(BatchBoundary.parse("10:15:11,13")).isEqualTo(whole);
    }

    @Test
    void partOfABatchKeepsBothSnapshotsAndTheLastTransactionsEnd() {
        BatchBoundary part = new BatchBoundary(TxSnapshot.parse("5:8:"), TxSnapshot.parse("10:15:11,13"), 4711, false);
        assertThat(part.toString()).isEqualTo("5:8:|10:15:11,13|4711");
        assertThat(BatchBoundary.parse(part.toString())).isEqualTo(part);
    }

    @Test
    void theFirstBatchAfterAStartHasNoLowerSnapshot() {
        BatchBoundary first = new BatchBoundary(null, TxSnapshot.parse("10:15:"), 99, false);
        assertThat(first.toString()).isEqualTo("-|10:15:|99");
        assertThat(BatchBoundary.parse("-|10:15:|99")).isEqualTo(first);
    }
}
