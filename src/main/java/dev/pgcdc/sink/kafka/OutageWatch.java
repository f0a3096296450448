package dev.pgcdc.sink.kafka;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Decides, from sends and acknowledgements, when Kafka has been silent long enough to tell the user, and
 * when it is back. Pure: times come in as arguments ({@code System.nanoTime()} readings and the wall
 * clock), so the rule is tested without waiting. Thread-safe: sends and acknowledgements come from
 * different threads.
 */
final class OutageWatch {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final String servers;
    private final long thresholdNanos;
    /** Changes handed to the producer and not yet acknowledged or failed. */
    private long held;
    /** Since when nothing was acknowledged while something was held. */
    private long quietSince;
    /** When the announced outage began; -1 while none is announced. */
    private long outageSince = -1;

    OutageWatch(String servers, Duration threshold) {
        this.servers = servers;
        this.thresholdNanos = threshold.toNanos();
    }

    synchronized void sent(long now) {
        if (held++ == 0) {
            quietSince = now;
        }
    }

    /** One held change is settled; returns the "back" notice when this ends an announced outage, else null. */
    synchronized String settled(long now, boolean acknowledged) {
        held--;
        if (!acknowledged) {
            return null;
        }
        quietSince = now;
        if (outageSince < 0) {
            return null;
        }
        long seconds = Math.round((now - outageSince) / 1e9);
        outageSince = -1;
        return "Kafka back after " + seconds + " s; delivering the " + held + " change(s) still held";
    }

    /**
     * The outage notice, once per outage, when changes have been held without any acknowledgement for the
     * threshold; null otherwise. {@code connected}: whether the client still holds a broker connection.
     */
    synchronized String check(long now, Instant wallClock, boolean connected) {
        if (held == 0 || outageSince >= 0 || now - quietSince < thresholdNanos) {
            return null;
        }
        outageSince = quietSince;
        Instant since = wallClock.minusNanos(now - quietSince);
        return "Kafka at " + servers + (connected ? " has acknowledged nothing" : " unreachable") + " since "
                + CLOCK.format(since) + "; holding " + held + " change(s), nothing after them confirmed to PostgreSQL";
    }

    synchronized long held() {
        return held;
    }

    synchronized boolean inOutage() {
        return outageSince >= 0;
    }
}
