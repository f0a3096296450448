package dev.pgcdc.pipeline;

import dev.pgcdc.config.BadRecordPolicy;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DeadLetter;
import dev.pgcdc.event.Position;
import dev.pgcdc.sink.RecordRejectedException;
import dev.pgcdc.sink.Sink;
import dev.pgcdc.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Moves changes from a source to a sink on the calling thread and feeds acknowledgements back: a source
 * position is committed only once every change up to it is acknowledged. Every capture mode runs through
 * here; nothing downstream knows which mode produced a change. A record the sink refuses for good is
 * handled by the {@link BadRecordPolicy}: it stops capture, or is dead-lettered or skipped and then counts
 * as acknowledged, so the position moves past it.
 */
final class CapturePipeline implements Pipeline {

    private static final Logger log = LoggerFactory.getLogger(CapturePipeline.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    /**
     * How long a stop polls on for the rest of a transaction it caught half-sent: its changes carry no position
     * until the last, so stopping there would send them all again at the next start.
     */
    static final Duration FINISH_TRANSACTION_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Characters of sent, unacknowledged changes at most: the producer's buffer.memory bounds only the compressed
     * bytes, about a fifth of the text with lz4, and a send's callback may keep its change's value (to dead-letter
     * it; the live view), so a stalled broker would otherwise fill the heap. 16 M characters (16 to
     * 32 MB) is half a second of the fastest workload measured (a backlog drained at 44,000 changes/s), many
     * acknowledgement round trips, and leaves room in the launcher's 128 MB heap.
     */
    static final long MAX_HELD_CHARS = 16L * 1024 * 1024;
    /** Once the bound is reached, sending resumes when half of it is acknowledged: one wake-up per half bound, not per change. */
    static final long RESUME_HELD_CHARS = MAX_HELD_CHARS / 2;

    private final Source source;
    private final Sink sink;
    private final BadRecordPolicy policy;
    private final InFlightEvents inFlight = new InFlightEvents();
    /** Refused records, handed from the sink's callback thread to the pipeline thread, which may send. */
    private final Queue<Rejected> rejected = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;
    private long finishTransactionDeadline;

    /**
     * What a send's callback keeps of its change until Kafka answers. The value only when a refusal is dead-lettered:
     * otherwise a backlog's values would live as long as their sends, up to {@link #MAX_HELD_CHARS}, and outlive young
     * collections, where dropping them leaves them garbage once the producer has copied them into its batch.
     */
    private record Sent(String topic, String key, String value, Position position) {

        static Sent of(ChangeEvent event, BadRecordPolicy policy) {
            return new Sent(event.topic(), event.key(), policy == BadRecordPolicy.DLQ ? event.value() : null, event.position());
        }
    }

    private record Rejected(Sent change, InFlightEvents.Ticket ticket, RecordRejectedException reason) {
    }

    CapturePipeline(Source source, Sink sink, BadRecordPolicy policy) {
        this.source = source;
        this.sink = sink;
        this.policy = policy;
    }

    /**
     * Runs until {@link #stop()}, then drains: waits for the sink to acknowledge what was sent and commits it.
     *
     * @throws CdcException when the sink finally fails to deliver a change; nothing after it is committed
     */
    @Override
    public void run() throws InterruptedException {
        try {
            while (!source.finished() && !stopNow()) {
                List<ChangeEvent> events = source.poll(POLL_TIMEOUT);
                for (ChangeEvent event : events) {
                    send(event);
                }
                Position reachedWithoutEvents = source.takePositionWithoutEvents();
                if (reachedWithoutEvents != null) {
                    inFlight.addWithoutEvent(reachedWithoutEvents);
                }
                handleRejected();
                checkDelivery();
                commitConfirmed();
            }
        } finally {
            sink.flush();
        }
        while (!rejected.isEmpty()) {
            handleRejected();
            sink.flush();
        }
        checkDelivery();
        commitConfirmed();
    }

    @Override
    public void stop() {
        stopping = true;
    }

    /** Whether to stop now: once stopped, a transaction caught half-sent is given some time to be sent whole. */
    private boolean stopNow() {
        if (!stopping || !source.midTransaction()) {
            return stopping;
        }
        if (finishTransactionDeadline == 0) {
            finishTransactionDeadline = System.nanoTime() + FINISH_TRANSACTION_TIMEOUT.toNanos();
            log.info("Stopping once the transaction in progress is sent whole");
            return false;
        }
        if (System.nanoTime() - finishTransactionDeadline > 0) {
            log.warn("Stopped in the middle of a transaction after {} s: the next start sends its first changes again",
                    FINISH_TRANSACTION_TIMEOUT.toSeconds());
            return true;
        }
        return false;
    }

    @Override
    public long delivered() {
        return inFlight.acknowledgedCount();
    }

    private void send(ChangeEvent event) throws InterruptedException {
        while (inFlight.heldSize() > MAX_HELD_CHARS) {
            inFlight.awaitHeldAtMost(RESUME_HELD_CHARS, POLL_TIMEOUT.toMillis());
            handleRejected();
            checkDelivery();
            commitConfirmed();
        }
        long size = (event.key() == null ? 0 : event.key().length()) + (event.value() == null ? 0 : event.value().length());
        InFlightEvents.Ticket ticket = inFlight.add(event.position(), size);
        Sent sent = Sent.of(event, policy);
        sink.send(event, failure -> {
            if (failure == null) {
                inFlight.acknowledge(ticket);
            } else if (failure instanceof RecordRejectedException refused && policy != BadRecordPolicy.FAIL) {
                rejected.add(new Rejected(sent, ticket, refused));
            } else {
                inFlight.fail(deliveryFailure(sent.topic(), sent.key(), sent.position(), failure));
            }
        });
    }

    private void handleRejected() {
        for (Rejected refused = rejected.poll(); refused != null; refused = rejected.poll()) {
            Rejected record = refused;
            Sent change = record.change();
            String reason = record.reason().getMessage();
            if (policy == BadRecordPolicy.SKIP) {
                log.warn("Skipped a change Kafka refused for topic '{}' (key {}, position {}): {}", change.topic(),
                        change.key(), change.position(), reason);
                inFlight.acknowledge(record.ticket());
                continue;
            }
            String deadLetterTopic = BadRecordPolicy.deadLetterTopic(change.topic());
            ChangeEvent letter = DeadLetter.of(deadLetterTopic, change.topic(), change.key(), change.value(), change.position(), reason);
            log.warn("Sent a change Kafka refused for topic '{}' (key {}, position {}) to '{}': {}", change.topic(),
                    change.key(), change.position(), deadLetterTopic, reason);
            sink.send(letter, failure -> {
                if (failure == null) {
                    inFlight.acknowledge(record.ticket());
                } else {
                    inFlight.fail(deliveryFailure(letter.topic(), letter.key(), letter.position(), failure));
                }
            });
        }
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

    private static CdcException deliveryFailure(String topic, String key, Position position, Exception failure) {
        if (failure instanceof CdcException described) {
            return described;
        }
        if (failure instanceof RecordRejectedException) {
            return new CdcException(CdcException.Kind.DELIVERY, "Kafka refused a change for topic '" + topic + "' (key "
                    + key + ", position " + position + ") for good: " + failure.getMessage()
                    + "; capture stopped without confirming it: raise the topic's max.message.bytes, or run with"
                    + " --on-bad-record dlq|skip", failure);
        }
        return new CdcException(CdcException.Kind.DELIVERY,
                "Kafka did not accept a change for topic '" + topic + "' (" + failure.getMessage()
                        + "); capture stopped without confirming it or anything after it", failure);
    }
}
