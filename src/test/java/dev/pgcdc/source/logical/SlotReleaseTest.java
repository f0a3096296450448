package dev.pgcdc.source.logical;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SlotReleaseTest {

    @ParameterizedTest
    @CsvSource({
            "60000, 90000, 90 s (wal_sender_timeout 60 s + 30 s)",
            "120000, 150000, 150 s (wal_sender_timeout 120 s + 30 s)",
            "10000, 40000, 40 s (wal_sender_timeout 10 s + 30 s)",
            "2500, 32500, 32500 ms (wal_sender_timeout 2500 ms + 30 s)",
    })
    void waitIsTheWalSenderTimeoutAndAMargin(long timeoutMillis, long boundMillis, String said) {
        SlotRelease.Wait wait = SlotRelease.Wait.of(timeoutMillis);

        assertThat(wait.bound()).isEqualTo(Duration.ofMillis(boundMillis));
        assertThat(wait.waitedFor()).isEqualTo(said);
    }

    @Test
    void disabledTimeoutWaitsAsLongAsAfterTheDefaultAndSaysItNeverEnds() {
        SlotRelease.Wait wait = SlotRelease.Wait.of(0);

        assertThat(wait.bound()).isEqualTo(Duration.ofSeconds(90));
        assertThat(wait.waitedFor()).isEqualTo("90 s (wal_sender_timeout is 0, disabled: PostgreSQL's default 60 s + 30 s)");
        assertThat(wait.stillStreaming("pgcdc", "process 42", 42)).isEqualTo("replication slot 'pgcdc' is still streamed by process 42"
                + " after waiting 90 s (wal_sender_timeout is 0, disabled: PostgreSQL's default 60 s + 30 s) for the previous active"
                + " capture's walsender to end: with wal_sender_timeout 0 PostgreSQL never ends a walsender whose client went silent;"
                + " set it (e.g. ALTER SYSTEM SET wal_sender_timeout = '60s'; SELECT pg_reload_conf();), or end this one with"
                + " SELECT pg_terminate_backend(42) if its capture is gone");
    }

    @Test
    void failureNamesTheWalsenderWhatWasWaitedForAndTheFix() {
        String message = SlotRelease.Wait.of(60_000).stillStreaming("orders", "process 7 (application 'pgcdc-logical')", 7);

        assertThat(message).isEqualTo("replication slot 'orders' is still streamed by process 7 (application 'pgcdc-logical')"
                + " after waiting 90 s (wal_sender_timeout 60 s + 30 s) for the previous active capture's walsender to end:"
                + " if its capture is gone, end it with SELECT pg_terminate_backend(7), then start this capture again");
    }
}
