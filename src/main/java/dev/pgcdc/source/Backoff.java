package dev.pgcdc.source;

import java.time.Duration;

/**
 * When to try reconnecting: waits double after each failed attempt, up to a ceiling, and start over after a
 * success. Not thread-safe; one per connection.
 */
public final class Backoff {

    private final Duration first;
    private final Duration max;
    private Duration current;
    private long nextAttemptNanos;

    public Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.current = first;
    }

    /** Sleeps until the next attempt is due, but no longer than {@code timeout}; true when it is due. */
    public boolean awaitNextAttempt(Duration timeout) throws InterruptedException {
        Duration wait = Duration.ofNanos(nextAttemptNanos - System.nanoTime());
        if (wait.isNegative() || wait.isZero()) {
            return true;
        }
        Thread.sleep(Math.max(1, Math.min(wait.toMillis(), timeout.toMillis())));
        return false;
    }

    /** An attempt failed: the next one waits the current delay, which then doubles. Returns that delay. */
    public Duration failed() {
        Duration delay = current;
        nextAttemptNanos = System.nanoTime() + delay.toNanos();
        Duration doubled = current.multipliedBy(2);
        current = doubled.compareTo(max) > 0 ? max : doubled;
        return delay;
    }

    /** An attempt succeeded: the next failure starts from the first delay again. */
    public void succeeded() {
        current = first;
    }
}
