package dev.pgcdc.source;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Test
    void delaysDoubleUpToTheCeilingAndResetAfterSuccess() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(350));
        assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(350));
        assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(350));
        backoff.succeeded();
        assertThat(backoff.failed()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void attemptIsDueOnlyOnceTheDelayHasPassed() throws InterruptedException {
        Backoff backoff = new Backoff(Duration.ofMillis(300), Duration.ofSeconds(1));
        assertThat(backoff.awaitNextAttempt(Duration.ofMillis(10))).as("nothing failed yet").isTrue();
        backoff.failed();
        assertThat(backoff.awaitNextAttempt(Duration.ofMillis(10))).isFalse();
        Thread.sleep(350);
        assertThat(backoff.awaitNextAttempt(Duration.ofMillis(10))).isTrue();
    }
}
