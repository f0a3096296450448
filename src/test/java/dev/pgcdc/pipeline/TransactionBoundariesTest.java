package dev.pgcdc.pipeline;

import dev.pgcdc.event.Position;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionBoundariesTest {

    private record At(long value) implements Position {
    }

    private static final long MS = 1_000_000;

    private final TransactionBoundaries boundaries = new TransactionBoundaries(Duration.ofMillis(100), 3, 0);

    @Test
    void neverCommitsInsideASourceTransactionHoweverLongItGrows() {
        for (int i = 0; i < 10; i++) {
            assertThat(boundaries.commitBefore(null, 1_000 * MS)).isFalse();
            boundaries.sent(null);
        }
        assertThat(boundaries.commitNow(1_000 * MS)).isFalse();
        assertThat(boundaries.boundary()).isNull();
    }

    @Test
    void commitsAfterTheLastChangeOfATransactionOnceTheIntervalPassed() {
        boundaries.sent(null);
        boundaries.sent(new At(1));
        assertThat(boundaries.commitNow(99 * MS)).isFalse();
        assertThat(boundaries.commitNow(100 * MS)).isTrue();
        assertThat(boundaries.boundary()).isEqualTo(new At(1));
    }

    @Test
    void commitsAtTheSizeBoundBeforeTheIntervalOnlyAtAWholeTransaction() {
        boundaries.sent(null);
        boundaries.sent(null);
        boundaries.sent(null);
        assertThat(boundaries.commitBefore(null, MS)).as("three sent, but mid-transaction").isFalse();
        boundaries.sent(new At(1));
        assertThat(boundaries.commitBefore(new At(2), MS)).isTrue();
    }

    @Test
    void aChangeWithTheSamePositionStaysInTheSameTransaction() {
        boundaries.sent(new At(1));
        assertThat(boundaries.commitBefore(new At(1), 500 * MS)).as("e.g. the transaction's END marker").isFalse();
        assertThat(boundaries.commitBefore(null, 500 * MS)).as("the next transaction starts").isTrue();
    }

    @Test
    void aWaitingBoundaryTakesOnlyWhatTheSourceAlreadyHasAndCommitsWhenItHasNothing() {
        Duration poll = Duration.ofMillis(200);
        assertThat(boundaries.untilCommit(poll)).as("nothing to commit").isEqualTo(poll);
        assertThat(boundaries.commitWhenIdle()).isFalse();
        boundaries.sent(null);
        assertThat(boundaries.untilCommit(poll)).as("mid-transaction: no commit possible").isEqualTo(poll);
        assertThat(boundaries.commitWhenIdle()).as("mid-transaction, however quiet the source").isFalse();
        boundaries.sent(new At(1));
        assertThat(boundaries.untilCommit(poll)).isZero();
        assertThat(boundaries.commitNow(MS)).as("the interval has not passed").isFalse();
        assertThat(boundaries.commitWhenIdle()).as("but the source is idle").isTrue();
    }

    @Test
    void aPositionWithoutEventsIsABoundaryToo() {
        boundaries.sent(null);
        boundaries.reachedWithoutEvents(new At(7));
        assertThat(boundaries.commitNow(100 * MS)).isTrue();
        assertThat(boundaries.boundary()).isEqualTo(new At(7));
    }

    @Test
    void theIntervalRestartsAtEachCommitAndAnAbortForgetsTheBoundary() {
        boundaries.sent(new At(1));
        boundaries.committed(100 * MS);
        boundaries.sent(new At(2));
        assertThat(boundaries.commitNow(150 * MS)).isFalse();
        assertThat(boundaries.commitNow(200 * MS)).isTrue();
        boundaries.aborted();
        assertThat(boundaries.boundary()).isNull();
        assertThat(boundaries.commitNow(500 * MS)).isFalse();
    }
}
