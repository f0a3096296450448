package dev.pgcdc.pipeline;

import dev.pgcdc.event.Position;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InFlightEventsTest {

    private record Offset(long value) implements Position {
    }

    private final InFlightEvents inFlight = new InFlightEvents();

    @Test
    void confirmsOnlyUpToTheOldestUnacknowledgedChange() {
        InFlightEvents.Ticket first = inFlight.add(new Offset(1));
        InFlightEvents.Ticket second = inFlight.add(new Offset(2));
        InFlightEvents.Ticket third = inFlight.add(new Offset(3));

        inFlight.acknowledge(third);
        inFlight.acknowledge(second);
        assertThat(inFlight.takeConfirmable()).isNull();

        inFlight.acknowledge(first);
        assertThat(inFlight.takeConfirmable()).isEqualTo(new Offset(3));
        assertThat(inFlight.takeConfirmable()).isNull();
        assertThat(inFlight.size()).isZero();
        assertThat(inFlight.acknowledgedCount()).isEqualTo(3);
    }

    @Test
    void changesWithoutPositionKeepTheLastConfirmablePosition() {
        InFlightEvents.Ticket positioned = inFlight.add(new Offset(5));
        InFlightEvents.Ticket bare = inFlight.add(null);
        inFlight.acknowledge(positioned);
        inFlight.acknowledge(bare);
        assertThat(inFlight.takeConfirmable()).isEqualTo(new Offset(5));
    }

    @Test
    void keepsTheFirstFailure() {
        IllegalStateException first = new IllegalStateException("first");
        inFlight.fail(first);
        inFlight.fail(new IllegalStateException("second"));
        assertThat(inFlight.failure()).isSameAs(first);
    }
}
