package dev.pgcdc.source.logical;

import dev.pgcdc.config.BadRecordPolicy;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DeadLetter;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.RowChange;
import dev.pgcdc.event.SkippedOperations;
import dev.pgcdc.source.SnapshotWatermark;
import dev.pgcdc.source.logical.PgOutputMessage.Begin;
import dev.pgcdc.source.logical.PgOutputMessage.Commit;
import dev.pgcdc.source.logical.PgOutputMessage.Delete;
import dev.pgcdc.source.logical.PgOutputMessage.Insert;
import dev.pgcdc.source.logical.PgOutputMessage.LogicalMessage;
import dev.pgcdc.source.logical.PgOutputMessage.Relation;
import dev.pgcdc.source.logical.PgOutputMessage.Truncate;
import dev.pgcdc.source.logical.PgOutputMessage.Type;
import dev.pgcdc.source.logical.PgOutputMessage.Update;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the decoded stream into events with their positions. Every change but the last of a transaction
 * goes out without position; the last is held back until the Commit and carries the commit's end LSN.
 * Positions with nothing to publish (an empty transaction, which PostgreSQL 14 sends for every unpublished
 * one, or a heartbeat) are kept as the position reached after the events handed out so far; a message that
 * would emit an event after such a position waits for the next round, so the pipeline sees the two in
 * stream order. Pure: no JDBC, no clock but the event time.
 */
final class TransactionEmitter {

    private static final Logger log = LoggerFactory.getLogger(TransactionEmitter.class);

    private final ChangeAssembler assembler;
    private final DebeziumEnvelope envelope;
    private final boolean transactionTopic;
    private final BadRecordPolicy onBadRecord;
    private final SkippedOperations skipped;
    private long skippedTruncates;
    private boolean beginSent;
    /** Events of the transaction in progress went out: the rest, its position last, is still to come. */
    private boolean partlyHandedOut;
    private RowChange heldBack;
    private Lsn positionWithoutEvents;
    private PgOutputMessage carried;
    private Lsn carriedLsn;
    /** Snapshot watermarks reached, not yet taken; a watermark's transaction holds nothing else, so none is held back. */
    private final List<String> watermarks = new ArrayList<>();
    private final List<String> signals = new ArrayList<>();

    TransactionEmitter(ChangeAssembler assembler, DebeziumEnvelope envelope, boolean transactionTopic, BadRecordPolicy onBadRecord,
                       SkippedOperations skipped) {
        this.skipped = skipped;
        this.assembler = assembler;
        this.envelope = envelope;
        this.transactionTopic = transactionTopic;
        this.onBadRecord = onBadRecord;
    }

    /**
     * Handles one message read at {@code lsn}, adding what it emits to {@code events}. Returns false, keeping
     * the message for {@link #acceptCarried}, when it would emit after a position without events.
     */
    boolean accept(PgOutputMessage message, Lsn lsn, List<ChangeEvent> events) {
        if (positionWithoutEvents != null && mayEmit(message)) {
            carried = message;
            carriedLsn = lsn;
            return false;
        }
        handle(message, lsn, events);
        return true;
    }

    /** Handles the message kept back by {@link #accept}, if any; false when it has to wait again. */
    boolean acceptCarried(List<ChangeEvent> events) {
        if (carried == null) {
            return true;
        }
        PgOutputMessage message = carried;
        carried = null;
        return accept(message, carriedLsn, events);
    }

    boolean hasWatermarks() {
        return !watermarks.isEmpty();
    }

    /** The snapshot watermarks reached since the last call, in stream order. */
    List<String> takeWatermarks() {
        List<String> taken = List.copyOf(watermarks);
        watermarks.clear();
        return taken;
    }

    /** The on-demand snapshot requests read since the last call. */
    List<String> takeSignals() {
        List<String> taken = List.copyOf(signals);
        signals.clear();
        return taken;
    }

    /** Whether events of a transaction went out and its last one, which carries the position, has not yet. */
    boolean midTransaction() {
        return partlyHandedOut;
    }

    boolean hasPositionWithoutEvents() {
        return positionWithoutEvents != null;
    }

    /** The newest position reached after the events handed out, with nothing to publish; once. */
    Lsn takePositionWithoutEvents() {
        Lsn position = positionWithoutEvents;
        positionWithoutEvents = null;
        return position;
    }

    /** A new stream starts at the confirmed position: forget the transaction in progress. */
    void reset() {
        assembler.reset();
        heldBack = null;
        beginSent = false;
        partlyHandedOut = false;
        carried = null;
    }

    private boolean mayEmit(PgOutputMessage message) {
        return message instanceof Insert || message instanceof Update || message instanceof Delete
                || message instanceof Truncate || (message instanceof Commit && heldBack != null);
    }

    private void handle(PgOutputMessage message, Lsn lsn, List<ChangeEvent> events) {
        // Java 17: no pattern matching for switch yet; one branch per message type.
        if (message instanceof Begin begin) {
            assembler.begin(begin);
        } else if (message instanceof Relation relation) {
            assembler.relation(relation);
        } else if (message instanceof Type type) {
            assembler.type(type);
        } else if (message instanceof Insert insert) {
            try {
                hold(assembler.insert(insert, lsn), events);
            } catch (RuntimeException e) {
                badChange(assembler.raw(insert.relationOid(), insert.newTuple()), lsn, e, events);
            }
        } else if (message instanceof Update update) {
            try {
                hold(assembler.update(update, lsn), events);
            } catch (RuntimeException e) {
                badChange(assembler.raw(update.relationOid(), update.newTuple()), lsn, e, events);
            }
        } else if (message instanceof Delete delete) {
            try {
                hold(assembler.delete(delete, lsn), events);
            } catch (RuntimeException e) {
                badChange(assembler.raw(delete.relationOid(), delete.oldTuple()), lsn, e, events);
            }
        } else if (message instanceof Truncate truncate) {
            assembler.truncate(truncate, lsn).forEach(change -> hold(change, events));
        } else if (message instanceof Commit commit) {
            if (heldBack != null) {
                emitHeld(events, commit.endLsn());
                if (transactionTopic) {
                    events.add(envelope.transactionEnd(assembler.transactionId(), assembler.transactionTimeMillis(),
                            assembler.eventsPerTable(), commit.endLsn()));
                }
            } else {
                reachedWithoutEvents(commit.endLsn());
            }
            assembler.commit(commit.endLsn());
            beginSent = false;
            partlyHandedOut = false;
        } else if (message instanceof LogicalMessage logical) {
            if (SnapshotWatermark.MESSAGE_PREFIX.equals(logical.prefix())) {
                watermarks.add(new String(logical.content(), StandardCharsets.UTF_8));
            } else if (SnapshotWatermark.SIGNAL_PREFIX.equals(logical.prefix())) {
                signals.add(new String(logical.content(), StandardCharsets.UTF_8));
            }
            if (!logical.transactional()) {
                reachedWithoutEvents(logical.lsn());
            }
        }
        // Origin: changes replicated from another node are captured like local ones.
    }

    /** A change whose values cannot be encoded: handled by the bad-record policy, never silently retried forever. */
    private void badChange(ChangeAssembler.Raw raw, Lsn lsn, RuntimeException e, List<ChangeEvent> events) {
        String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
        String topic = envelope.topic(raw.table());
        switch (onBadRecord) {
            case FAIL -> throw new CdcException(CdcException.Kind.INTERNAL, "cannot encode a change of " + raw.table()
                    + " (key " + raw.key() + ", position " + lsn + "): " + reason
                    + "; capture stopped without confirming it: run with --on-bad-record dlq|skip to route it aside", e);
            case DLQ -> {
                String deadLetterTopic = BadRecordPolicy.deadLetterTopic(topic);
                log.warn("Sent a change of {} that cannot be encoded (key {}, position {}) to '{}': {}", raw.table(), raw.key(), lsn,
                        deadLetterTopic, reason);
                events.add(DeadLetter.of(deadLetterTopic, topic, raw.key(), raw.row(), lsn, reason));
            }
            case SKIP -> log.warn("Skipped a change of {} that cannot be encoded (key {}, position {}): {}", raw.table(), raw.key(), lsn, reason);
        }
    }

    /** A skipped change is not held: a transaction left without events is a position without events. */
    private void hold(RowChange change, List<ChangeEvent> events) {
        if (skipped.skips(change.op())) {
            if (change.op() == RowChange.Op.TRUNCATE) {
                skippedTruncates++;
                log.warn("Skipped a truncate of {} (--skipped-operations {}): its rows stay downstream; {} truncate(s) skipped since start",
                        change.table(), skipped, skippedTruncates);
            }
            return;
        }
        if (heldBack != null) {
            emitHeld(events, null);
            partlyHandedOut = true;
        } else if (change.transaction() != null && !beginSent) {
            events.add(envelope.transactionBegin(change.transaction().id(), change.sourceTsMillis(), null));
            beginSent = true;
            partlyHandedOut = true;
        }
        heldBack = change;
    }

    long skippedTruncates() {
        return skippedTruncates;
    }

    private void emitHeld(List<ChangeEvent> events, Lsn position) {
        events.addAll(envelope.events(heldBack, System.currentTimeMillis(), position, List.of()));
        heldBack = null;
    }

    private void reachedWithoutEvents(Lsn lsn) {
        if (positionWithoutEvents == null || lsn.isAfter(positionWithoutEvents)) {
            positionWithoutEvents = lsn;
        }
    }
}
