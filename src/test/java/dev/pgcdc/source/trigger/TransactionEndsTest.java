package dev.pgcdc.source.trigger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionEndsTest {

    /** Transactions 100 (3 rows, last id 4), 101 (1 row, last id 5), 102 (2 rows, last id 9). */
    private static TransactionEnds threeTransactions(boolean complete) {
        return new TransactionEnds(new long[] {100, 101, 102}, new long[] {4, 5, 9}, new long[] {3, 1, 2}, complete);
    }

    @Test
    void aPageReachesTransactionsUntilTheirRowsFillIt() {
        TransactionEnds.Reach reach = threeTransactions(true).reach(0, 0, 4);

        assertThat(reach.txIds()).containsExactly(100, 101);
        assertThat(reach.lastIds()).containsExactly(4, 5);
    }

    @Test
    void aTransactionReadInPartIsReachedAgain() {
        TransactionEnds ends = threeTransactions(true);

        assertThat(ends.reach(4, 2, 1).txIds()).containsExactly(100);
        assertThat(ends.allRead(4, 2)).isFalse();
    }

    @Test
    void aTransactionReadToItsLastRowIsNotReachedAgain() {
        TransactionEnds ends = threeTransactions(true);

        assertThat(ends.reach(4, 4, 10).txIds()).containsExactly(101, 102);
    }

    @Test
    void theBatchIsReadWhenTheLastTransactionFoundWasReadAndNoMoreWereLeft() {
        assertThat(threeTransactions(true).allRead(9, 9)).isTrue();
        assertThat(threeTransactions(true).exhausted(9, 9)).isFalse();
    }

    @Test
    void moreTransactionsAreFoundOnceTheFoundOnesWereReadWhenTheLookupWasCut() {
        TransactionEnds ends = threeTransactions(false);

        assertThat(ends.exhausted(9, 8)).isFalse();
        assertThat(ends.exhausted(9, 9)).isTrue();
        assertThat(ends.allRead(9, 9)).isFalse();
    }
}
