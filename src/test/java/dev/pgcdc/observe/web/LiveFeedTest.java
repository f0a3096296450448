package dev.pgcdc.observe.web;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class LiveFeedTest {

    @Test
    void showsABurstAsLargeAsAPageThenAsManyASecond() {
        LiveFeed feed = new LiveFeed();
        long now = System.currentTimeMillis() + 60_000;

        long burst = IntStream.range(0, 1_000).filter(i -> feed.showNext(now)).count();
        long halfASecondLater = IntStream.range(0, 1_000).filter(i -> feed.showNext(now + 500)).count();
        long muchLater = IntStream.range(0, 1_000).filter(i -> feed.showNext(now + 60_000)).count();

        assertThat(burst).isEqualTo(LiveFeed.RECENT);
        assertThat(halfASecondLater).isEqualTo(LiveFeed.RECENT / 2);
        assertThat(muchLater).as("no more than a page, however long it was quiet").isEqualTo(LiveFeed.RECENT);
    }
}
