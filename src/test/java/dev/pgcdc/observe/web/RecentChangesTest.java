package dev.pgcdc.observe.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecentChangesTest {

    @Test
    void readerSeesEachItemOnceInOrder() {
        RecentChanges<String> ring = new RecentChanges<>(4);
        long mark = ring.mark();
        ring.add("a");
        ring.add("b");
        long end = ring.mark();
        assertThat(ring.between(mark, end)).containsExactly("a", "b");
        ring.add("c");
        assertThat(ring.between(end, ring.mark())).containsExactly("c");
    }

    @Test
    void aSlowReaderGetsTheNewestItemsTheRingStillHolds() {
        RecentChanges<Integer> ring = new RecentChanges<>(3);
        for (int i = 0; i < 10; i++) {
            ring.add(i);
        }
        assertThat(ring.between(0, ring.mark())).containsExactly(7, 8, 9);
    }

    @Test
    void itemsAddedAfterTheEndAreLeftForTheNextRead() {
        RecentChanges<String> ring = new RecentChanges<>(4);
        ring.add("a");
        long end = ring.mark();
        ring.add("b");
        assertThat(ring.between(0, end)).containsExactly("a");
        assertThat(ring.between(end, ring.mark())).containsExactly("b");
    }

    @Test
    void emptyRingGivesNothing() {
        assertThat(new RecentChanges<String>(2).between(0, 0)).isEmpty();
        assertThatThrownBy(() -> new RecentChanges<String>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
