package dev.pgcdc.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Waiting in tests for something to become true, never for a fixed time. */
public final class Conditions {

    private Conditions() {
    }

    /** Checks {@code condition} every 50 ms until it holds; fails naming {@code what} after {@code timeout}. */
    public static void await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
