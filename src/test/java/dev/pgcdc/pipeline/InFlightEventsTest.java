package dev.pgcdc.pipeline;

import dev.pgcdc.event.Position;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

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
    void holdsTheSizeOfUnacknowledgedChangesOnly() {
        InFlightEvents.Ticket first = inFlight.add(new Offset(1), 600);
        InFlightEvents.Ticket second = inFlight.add(new Offset(2), 400);
        inFlight.addWithoutEvent(new Offset(3));
        assertThat(inFlight.heldSize()).isEqualTo(1_000);

        inFlight.acknowledge(second);
        inFlight.acknowledge(second);
        assertThat(inFlight.heldSize()).isEqualTo(600);
        inFlight.acknowledge(first);
        assertThat(inFlight.heldSize()).isZero();
    }

    @Test
    void waitingForRoomEndsWhenAnAcknowledgementFreesIt() throws Exception {
        InFlightEvents.Ticket large = inFlight.add(new Offset(1), 5_000);
        Thread acknowledger = new Thread(() -> inFlight.acknowledge(large));
        acknowledger.start();
        inFlight.awaitHeldAtMost(1_000, 60_000);
        acknowledger.join();
        assertThat(inFlight.heldSize()).isZero();
    }

    @Test
    void waitingForRoomEndsWhenADeliveryFails() throws Exception {
        inFlight.add(new Offset(1), 5_000);
        Thread failer = new Thread(() -> inFlight.fail(new IllegalStateException("broker gone")));
        failer.start();
        inFlight.awaitHeldAtMost(1_000, 60_000);
        failer.join();
        assertThat(inFlight.failure()).hasMessage("broker gone");
    }

    @Test
    void keepsTheFirstFailure() {
        IllegalStateException first = new IllegalStateException("first");
        inFlight.fail(first);
        inFlight.fail(new IllegalStateException("second"));
        assertThat(inFlight.failure()).isSameAs(first);
    }

    /**
     * Interleavings of events (e&lt;name&gt;:&lt;position&gt;, '-' for none: a change inside a transaction),
     * positions without events (p:&lt;position&gt;: empty commits, heartbeats) and acknowledgements (a&lt;name&gt;),
     * with what becomes confirmable after each step ('.' for nothing new). Row 1 is the stalled slot: T in
     * flight, a heartbeat, U sent, then both acknowledged; the heartbeat must not be confirmed after U.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "eT:10 p:15 eU:20 aT aU p:30 p:40   | .  .  .  15 20 30 40",
            "eT:10 p:15 eU:20 aU aT p:30        | .  .  .  .  20 30",
            "p:5 p:7 eT:10 aT                   | 5  7  .  10",
            "eT:- eT2:10 p:12 aT2 aT            | .  .  .  .  12",
            "eT:10 eU:20 p:25 eV:30 aV aU p:35 aT | . . . . . . . 35",
            "eT:10 p:15 aT eU:20 p:25 aU        | .  .  15 .  .  25",
    })
    void confirmsTheHighestPositionWithNothingUnacknowledgedBeforeIt(String steps, String expected) {
        String[] actions = steps.trim().split("\\s+");
        String[] confirmable = expected.trim().split("\\s+");
        assertThat(confirmable).hasSameSizeAs(actions);
        Map<String, InFlightEvents.Ticket> tickets = new HashMap<>();
        for (int i = 0; i < actions.length; i++) {
            String action = actions[i];
            if (action.startsWith("e")) {
                String[] parts = action.substring(1).split(":");
                tickets.put(parts[0], inFlight.add(parts[1].equals("-") ? null : new Offset(Long.parseLong(parts[1]))));
            } else if (action.startsWith("p")) {
                inFlight.addWithoutEvent(new Offset(Long.parseLong(action.substring(2))));
            } else {
                inFlight.acknowledge(tickets.get(action.substring(1)));
            }
            Position taken = inFlight.takeConfirmable();
            assertThat(taken == null ? "." : Long.toString(((Offset) taken).value()))
                    .as("confirmable after step %d (%s) of %s", i + 1, action, steps).isEqualTo(confirmable[i]);
        }
    }

    @Test
    void positionsWithoutEventsAreNotCountedAsDelivered() {
        inFlight.addWithoutEvent(new Offset(3));
        assertThat(inFlight.acknowledgedCount()).isZero();
        assertThat(inFlight.size()).isZero();
    }
}
