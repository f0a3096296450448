package dev.pgcdc.pipeline;

import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Position;
import dev.pgcdc.sink.Sink;
import dev.pgcdc.sink.TransactionalSink;
import dev.pgcdc.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Moves changes into a transactional sink: each commit stores the position it reaches together with the
 * changes up to it (see {@link TransactionBoundaries} for where commits may fall), and only after the sink's
 * commit is the position confirmed to the source. So a change committed to Kafka is never produced again and
 * one that was not is produced after the next start. A source that goes back to its confirmed position (a
 * reconnect) gets its uncommitted tail dropped, since it will hand it over again.
 */
final class ExactlyOncePipeline implements Pipeline {

    private static final Logger log = LoggerFactory.getLogger(ExactlyOncePipeline.class);
    /** The size bound of a Kafka transaction, met at the next whole source transaction. */
    static final long MAX_CHANGES_PER_TRANSACTION = 20_000;

    private final Source source;
    /** Where changes are sent: the transactional sink, or decorators (rules, metrics, formats) in front of it. */
    private final Sink sink;
    private final TransactionalSink transactions;
    private final Duration pollTimeout;
    private final TransactionBoundaries boundaries;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    /** Counts aborts: a send's failure that arrives after its transaction was dropped on purpose changes nothing. */
    private final AtomicLong aborts = new AtomicLong();
    private volatile boolean stopping;

    ExactlyOncePipeline(Source source, Sink sink, TransactionalSink transactions, Duration interval) {
        this.source = source;
        this.sink = sink;
        this.transactions = transactions;
        this.pollTimeout = Duration.ofMillis(200);
        this.boundaries = new TransactionBoundaries(interval, MAX_CHANGES_PER_TRANSACTION, System.nanoTime());
    }

    @Override
    public void run() throws InterruptedException {
        long restarts = source.restarts();
        try {
            while (!stopping) {
                // A change waiting for its commit only takes what the source already has: if nothing, it commits now.
                List<ChangeEvent> events = source.poll(boundaries.untilCommit(pollTimeout));
                if (source.restarts() != restarts) {
                    if (!source.replaysUncommitted()) {
                        throw new CdcException(CdcException.Kind.UNAVAILABLE, "the connection to PostgreSQL was lost in the middle"
                                + " of a snapshot; capture stops without committing, and the next start reads the snapshot on from"
                                + " its last committed chunk");
                    }
                    restarts = source.restarts();
                    log.info("The source reads again from its confirmed position; dropping {} uncommitted change(s)", transactions.uncommitted());
                    aborts.incrementAndGet();
                    transactions.abort();
                    boundaries.aborted();
                }
                for (ChangeEvent event : events) {
                    if (boundaries.commitBefore(event.position(), System.nanoTime())) {
                        commit();
                    }
                    long generation = aborts.get();
                    // A change a decorator drops (a filtered table) still moves the boundary: its position commits.
                    sink.send(event, failed -> completed(failed, generation));
                    boundaries.sent(event.position());
                }
                Position quiet = source.takePositionWithoutEvents();
                if (quiet != null) {
                    boundaries.reachedWithoutEvents(quiet);
                }
                checkDelivery();
                boolean idle = events.isEmpty() && quiet == null || source.caughtUp();
                if (boundaries.commitNow(System.nanoTime()) || idle && boundaries.commitWhenIdle()) {
                    commit();
                }
            }
            if (boundaries.boundary() != null) {
                commit();
            }
        } finally {
            abortQuietly();
        }
    }

    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public long delivered() {
        return delivered.get();
    }

    private void commit() {
        Position position = boundaries.boundary();
        long changes = transactions.uncommitted();
        transactions.commit(position);
        checkDelivery();
        boundaries.committed(System.nanoTime());
        delivered.addAndGet(changes);
        source.commit(position);
    }

    private void completed(Exception failed, long generation) {
        if (failed != null && generation == aborts.get()) {
            failure.compareAndSet(null, failed);
        }
    }

    private void checkDelivery() {
        Exception failed = failure.get();
        if (failed instanceof CdcException cdc) {
            throw cdc;
        }
        if (failed != null) {
            throw new CdcException(CdcException.Kind.DELIVERY, "Kafka did not accept a change (" + failed.getMessage()
                    + "); its transaction is not committed, and capture stopped without confirming it", failed);
        }
    }

    /** A half-sent source transaction at the end is dropped; the next start captures it whole. */
    private void abortQuietly() {
        try {
            transactions.abort();
        } catch (CdcException e) {
            log.debug("Aborting the last Kafka transaction failed; Kafka or the next start aborts it", e);
        }
    }
}
