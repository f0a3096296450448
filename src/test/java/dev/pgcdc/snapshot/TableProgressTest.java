package dev.pgcdc.snapshot;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Chunks that parallel workers complete in any order merge into ranges; the table is done when they cover it. */
class TableProgressTest {

    private static KeyRange range(String lo, String hi) {
        return new KeyRange(lo == null ? null : List.of(lo), hi == null ? null : List.of(hi));
    }

    @Test
    void chunksCompletedOutOfOrderMergeIntoThePrefixAndLaterRanges() {
        TableProgress progress = TableProgress.NOT_STARTED
                .with(range("20", "30"), 10)
                .with(range(null, "10"), 10)
                .with(range("40", null), 5);

        assertThat(progress.lastKey()).containsExactly("10");
        assertThat(progress.later()).containsExactlyInAnyOrder(range("20", "30"), range("40", null));
        assertThat(progress.done()).isFalse();

        TableProgress joined = progress.with(range("10", "20"), 10);
        assertThat(joined.lastKey()).containsExactly("30");
        assertThat(joined.later()).containsExactly(range("40", null));
        assertThat(joined.rows()).isEqualTo(35);
    }

    @Test
    void theTableIsDoneWhenTheRangesCoverEveryKey() {
        TableProgress progress = TableProgress.NOT_STARTED.with(range("5", null), 1).with(range(null, "5"), 1);

        assertThat(progress.done()).isTrue();
        assertThat(progress.completed()).containsExactly(KeyRange.WHOLE);
    }

    @Test
    void anEmptyTableIsDoneWithItsOneEmptyChunk() {
        assertThat(TableProgress.NOT_STARTED.with(KeyRange.WHOLE, 0).done()).isTrue();
    }

    @Test
    void compositeKeysTouchOnlyWhenEveryValueIsEqual() {
        KeyRange first = new KeyRange(null, List.of("1", "k9"));
        KeyRange other = new KeyRange(List.of("1", "k8"), null);

        TableProgress progress = TableProgress.NOT_STARTED.with(first, 1).with(other, 1);

        assertThat(progress.done()).isFalse();
        assertThat(progress.with(new KeyRange(List.of("1", "k9"), List.of("1", "k8")), 0).done()).isTrue();
    }
}
