package dev.pgcdc.observe;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Position;
import dev.pgcdc.observe.web.LiveFeed;
import dev.pgcdc.sink.TransactionalSink;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@link MeteredSink} in front of a transactional sink ({@code --exactly-once}): a change counts as published,
 * and shows in the live view, when the Kafka transaction holding it commits, which is when a
 * {@code read_committed} consumer can see it. Kafka's acknowledgement of the send comes earlier, and an aborted
 * transaction (a reconnect, a fenced or stopped capture) takes it back: those changes are never counted.
 */
final class MeteredTransactionalSink implements TransactionalSink {

    private final TransactionalSink transactions;
    private final MeteredSink metered;
    /** Acknowledged changes of the open transaction, counted at its commit. */
    private final Queue<Runnable> acknowledged = new ConcurrentLinkedQueue<>();

    MeteredTransactionalSink(TransactionalSink transactions, CaptureMetrics metrics, LiveFeed live) {
        this.transactions = transactions;
        this.metered = new MeteredSink(transactions, metrics, live, acknowledged::add);
    }

    @Override
    public void send(ChangeEvent event, DeliveryCallback callback) {
        metered.send(event, callback);
    }

    /**
     * Kafka commits a transaction only once every send in it completed, so when the commit returns, every
     * change it holds has been acknowledged and is in {@link #acknowledged}; the next transaction's sends come
     * from this thread, after.
     */
    @Override
    public void commit(Position position) {
        transactions.commit(position);
        for (Runnable count = acknowledged.poll(); count != null; count = acknowledged.poll()) {
            count.run();
        }
    }

    @Override
    public void abort() {
        transactions.abort();
        acknowledged.clear();
    }

    @Override
    public long uncommitted() {
        return transactions.uncommitted();
    }

    @Override
    public void flush() {
        metered.flush();
    }

    @Override
    public void close() {
        metered.close();
    }
}
