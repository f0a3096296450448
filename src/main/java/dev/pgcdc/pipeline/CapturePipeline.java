package dev.pgcdc.pipeline;

import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Position;
import dev.pgcdc.sink.Sink;
import dev.pgcdc.source.Source;

import java.time.Duration;
import java.util.List;

/**
 * Moves changes from a source to a sink on the calling thread and feeds acknowledgements back: a source
 * position is committed only once every change up to it is acknowledged. Every capture mode runs through
 * here; nothing downstream knows which mode produced a change.
 */
final class CapturePipeline {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private final Source source;
    private final Sink sink;
    private final InFlightEvents inFlight = new InFlightEvents();
    private volatile boolean stopping;

    CapturePipeline(Source source, Sink sink) {
        this.source = source;
        this.sink = sink;
    }

    /**
     * Runs until {@link #stop()}, then drains: waits for the sink to acknowledge what was sent and commits it.
     *
     * @throws CdcException when the sink finally fails to deliver a change; nothing after it is committed
     */
    void run() throws InterruptedException {
        try {
            while (!stopping) {
                List<ChangeEvent> events = source.poll(POLL_TIMEOUT);
                for (ChangeEvent event : events) {
                    InFlightEvents.Ticket ticket = inFlight.add(event.position());
                    sink.send(event, failure -> {
                        if (failure == null) {
                            inFlight.acknowledge(ticket);
                        } else {
                            inFlight.fail(deliveryFailure(event, failure));
                        }
                    });
                }
                Position reachedWithoutEvents = source.takePositionWithoutEvents();
                if (reachedWithoutEvents != null) {
                    inFlight.addWithoutEvent(reachedWithoutEvents);
                }
                checkDelivery();
                commitConfirmed();
            }
        } finally {
            sink.flush();
        }
        checkDelivery();
        commitConfirmed();
    }

    void stop() {
        stopping = true;
    }

    long delivered() {
        return inFlight.acknowledgedCount();
    }

    private void checkDelivery() {
        Exception failure = inFlight.failure();
        if (failure instanceof CdcException cdc) {
            throw cdc;
        }
    }

    private void commitConfirmed() {
        Position position = inFlight.takeConfirmable();
        if (position != null) {
            source.commit(position);
        }
    }

    private static CdcException deliveryFailure(ChangeEvent event, Exception failure) {
        return new CdcException(CdcException.Kind.DELIVERY,
                "Kafka did not accept a change for topic '" + event.topic() + "' (" + failure.getMessage()
                        + "); capture stopped without confirming it or anything after it", failure);
    }
}
