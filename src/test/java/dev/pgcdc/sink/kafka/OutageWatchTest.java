package dev.pgcdc.sink.kafka;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class OutageWatchTest {

    private static final long SECOND = 1_000_000_000L;
    private static final Instant NOON = Instant.parse("2026-11-26T12:00:00Z");
    private final OutageWatch watch = new OutageWatch("k:9092", Duration.ofSeconds(5));

    @Test
    void heldChangesWithoutAcknowledgementAreAnnouncedOnceAfterTheThresholdThenBackIsSaid() {
        watch.sent(0);
        watch.sent(SECOND);
        assertThat(watch.check(4 * SECOND, NOON, false)).isNull();
        String outage = watch.check(5 * SECOND, NOON, false);
        assertThat(outage).startsWith("Kafka at k:9092 unreachable since ")
                .endsWith("; holding 2 change(s), nothing after them confirmed to PostgreSQL");
        assertThat(watch.inOutage()).isTrue();
        assertThat(watch.check(9 * SECOND, NOON, false)).as("said once").isNull();

        assertThat(watch.settled(23 * SECOND, true)).isEqualTo("Kafka back after 23 s; delivering the 1 change(s) still held");
        assertThat(watch.inOutage()).isFalse();
        assertThat(watch.settled(24 * SECOND, true)).isNull();
        assertThat(watch.held()).isZero();
    }

    @Test
    void quietTimeCountsFromTheFirstHeldChangeNotFromTheLastAcknowledgement() {
        watch.sent(0);
        watch.settled(SECOND, true);
        watch.sent(100 * SECOND);
        assertThat(watch.check(103 * SECOND, NOON, false)).as("idle time before the send is no outage").isNull();
        assertThat(watch.check(105 * SECOND, NOON, true)).contains("has acknowledged nothing since");
    }

    @Test
    void nothingHeldIsNoOutageAndFailuresDoNotEndOne() {
        assertThat(watch.check(60 * SECOND, NOON, false)).isNull();
        watch.sent(0);
        watch.sent(0);
        assertThat(watch.check(6 * SECOND, NOON, false)).isNotNull();
        assertThat(watch.settled(7 * SECOND, false)).isNull();
        assertThat(watch.inOutage()).isTrue();
    }
}
