package dev.pgcdc.source.trigger;

import dev.pgcdc.Version;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.Position;
import dev.pgcdc.source.Catalog;
import dev.pgcdc.source.ListeningConnection;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;
import dev.pgcdc.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Drains {@code pgcdc.journal} in batches bounded by transaction snapshots, as PgQ does: a batch holds the
 * rows of exactly the transactions that ended between two consecutive snapshots, in journal-id order, and
 * batches are delivered in order. Rows are removed only once Kafka has acknowledged their events.
 *
 * <p>Why this keeps each key's changes in commit order: two transactions that change the same row are
 * serialised by its row lock (or, for a re-inserted key, by the unique index), so the later one writes its
 * journal row only after the earlier one has ended. Its journal id is therefore higher (the identity
 * sequence hands out ids in time order), and it cannot be visible in a snapshot in which the earlier one is
 * not: it lands in the same batch, after the earlier row, or in a later batch. A journal id alone would not
 * do: ids are assigned before commit, so "ids above the highest read" can overtake a transaction that
 * commits late.
 *
 * <p>After a start, whatever the journal holds (changes made while capture was stopped, and changes sent but
 * not yet removed) is read as one first batch, in id order: correct by the same argument, since within one
 * snapshot the id order of one key's rows is its commit order. Batches then follow from that snapshot, so
 * nothing needs storing besides the journal itself. Guarantees: every committed change at least once, each
 * key's changes in commit order, and transactions in commit order at batch granularity.
 */
public final class TriggerSource implements Source {

    public static final String APPLICATION_NAME = "pgcdc-trigger";

    private static final Logger log = LoggerFactory.getLogger(TriggerSource.class);

    private final TriggerCaptureConfig config;
    private final ListeningConnection listening;
    private final JournalReader reader;
    private final JournalEvents rows;
    private final JournalRemoval removal;
    /** Exactly-once: events carry no position; a batch's end is the position, stored in Kafka, then confirmed here. */
    private final boolean exactlyOnce;
    private JournalBatch lastBatch;
    /** The batch being read, or null between batches. */
    private JournalBatch batch;
    /** At-least-once: the last journal id read in the batch (0: none yet). */
    private long lastIdRead;
    /** Exactly-once: reads the batch transaction by transaction. */
    private final TransactionReader transactions;
    private boolean batchHadRows;
    private BatchBoundary batchEnded;
    private final JournalWakeup wakeup;
    private final JournalStatistics statistics = new JournalStatistics();
    /** The last row read when it and every row after it carried no event (skipped, a watermark, a signal). */
    private JournalPosition positionWithoutEvents;
    private boolean closed;

    private TriggerSource(TriggerCaptureConfig config, ListeningConnection listening, JournalReader reader,
                          DebeziumEnvelope envelope, boolean exactlyOnce, BatchBoundary resumeAfter) {
        this.config = config;
        this.exactlyOnce = exactlyOnce;
        this.transactions = new TransactionReader(reader, config.batchSize());
        if (resumeAfter != null && resumeAfter.complete()) {
            this.lastBatch = new JournalBatch(null, resumeAfter.upper());
        } else if (resumeAfter != null) {
            // inside a batch: the same batch goes on after the last transaction stored
            this.batch = new JournalBatch(resumeAfter.lower(), resumeAfter.upper());
            this.transactions.resumeAfter(resumeAfter.transactionEnd());
            this.batchHadRows = true;
        }
        this.listening = listening;
        this.reader = reader;
        this.rows = new JournalEvents(envelope, config.skippedOperations());
        this.removal = new JournalRemoval(listening, reader);
        this.wakeup = new JournalWakeup(config.pollInterval());
    }

    /**
     * Connects and checks the journal is installed.
     *
     * @throws CdcException when PostgreSQL cannot be reached or the journal is missing or outdated
     */
    public static TriggerSource open(DatabaseConfig database, TriggerCaptureConfig config) {
        return open(database, config, false, null);
    }

    /**
     * Opens for exactly-once capture: a batch's events go out whole, transaction by transaction, and the batch's
     * end is the position. After {@code resumeAfter} (a stored batch end, {@code xmin:xmax:xip}, or null at the
     * first start) reading starts with the batch that follows it: rows of transactions visible in it were
     * delivered, and are only removed.
     */
    public static TriggerSource openExactlyOnce(DatabaseConfig database, TriggerCaptureConfig config, String resumeAfter) {
        return open(database, config, true, resumeAfter == null ? null : BatchBoundary.parse(resumeAfter));
    }

    private static TriggerSource open(DatabaseConfig database, TriggerCaptureConfig config, boolean exactlyOnce, BatchBoundary resumeAfter) {
        ListeningConnection listening = ListeningConnection.open(database, APPLICATION_NAME, List.of(JournalWakeup.CHANNEL));
        try {
            Connection connection = listening.get(Duration.ZERO);
            String databaseName = Catalog.currentDatabase(connection);
            JournalSchema.requireCurrent(connection, databaseName);
            DebeziumEnvelope envelope = new DebeziumEnvelope(config.topicPrefix(), databaseName, Version.VALUE, config.tombstones());
            return new TriggerSource(config, listening, JournalReader.forServer(connection), envelope, exactlyOnce, resumeAfter);
        } catch (SQLException e) {
            listening.close();
            throw PostgresErrors.describe(e, database, "checking the journal");
        } catch (InterruptedException e) {
            listening.close();
            Thread.currentThread().interrupt();
            throw new CdcException(CdcException.Kind.INTERNAL, "interrupted while opening the journal", e);
        } catch (RuntimeException e) {
            listening.close();
            throw e;
        }
    }

    /** The topics of the tables that carry pgcdc's trigger now, to create them before capture starts. */
    public static List<String> topicsOfCapturedTables(DatabaseConfig database, TriggerCaptureConfig config) {
        try (Connection connection = PostgresConnections.open(database, APPLICATION_NAME)) {
            DebeziumEnvelope envelope = new DebeziumEnvelope(config.topicPrefix(), Catalog.currentDatabase(connection), Version.VALUE, false);
            return JournalSchema.capturedTables(connection).stream().map(envelope::topic).toList();
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "listing the captured tables");
        }
    }

    @Override
    public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
        Connection connection = listening.get(timeout);
        if (connection == null) {
            return List.of();
        }
        try {
            statistics.beforeFirstRead(connection);
            if (batch != null) {
                return exactlyOnce ? readTransactions(connection)
                        : readPage(connection, reader.page(connection, batch, lastIdRead, config.batchSize()));
            }
            if (!wakeup.busy()) {
                removal.removeConfirmed();
            }
            if (!wakeup.readNow(connection, timeout)) {
                return List.of();
            }
            TxSnapshot lower = lastBatch == null ? null : lastBatch.upper();
            if (exactlyOnce) {
                begin(lower, reader.snapshot(connection, rows.definitions()));
                transactions.startBatch();
                return readTransactions(connection);
            }
            JournalReader.BatchStart start = reader.firstPage(connection, lower, rows.definitions(), config.batchSize());
            begin(lower, start);
            lastIdRead = 0;
            return readPage(connection, start.rows());
        } catch (SQLException e) {
            listening.failed(e, "reading the journal");
            return List.of();
        }
    }

    @Override
    public Position takePositionWithoutEvents() {
        if (batchEnded != null) {
            BatchBoundary ended = batchEnded;
            batchEnded = null;
            return ended;
        }
        JournalPosition position = positionWithoutEvents;
        positionWithoutEvents = null;
        return position;
    }

    /** At the end of a batch: the next poll takes a new snapshot of the journal. */
    @Override
    public boolean caughtUp() {
        return batch == null;
    }

    @Override
    public long skippedTruncates() {
        return rows.skippedTruncates();
    }

    @Override
    public List<String> takeSignals() {
        return rows.takeSignals();
    }

    @Override
    public List<String> takeWatermarks() {
        return rows.takeWatermarks();
    }

    @Override
    public void commit(Position position) {
        if (position instanceof BatchBoundary boundary) {
            TxSnapshot delivered = boundary.complete() ? boundary.upper() : boundary.lower();
            if (delivered != null) {
                removal.confirmedUpTo(delivered, wakeup.busy());
            }
        } else {
            removal.confirmedUpTo(((JournalPosition) position).id(), wakeup.busy());
        }
    }

    /** Removes the rows of the changes confirmed so far, then disconnects: a stopped capture leaves none of them behind. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            removal.removeConfirmed();
        } catch (CdcException e) {
            log.warn("Could not remove delivered changes from the journal at stop ({}): they are sent again after the next start",
                    e.getMessage());
        } finally {
            listening.close();
        }
    }

    private void begin(TxSnapshot lower, JournalReader.BatchStart start) {
        batch = new JournalBatch(lower, start.upper());
        batchHadRows = false;
        if (start.definitionsChanged()) {
            rows.definitions().forgetAll();
        }
    }

    private List<ChangeEvent> readPage(Connection connection, List<JournalRow> page) throws SQLException {
        batchHadRows |= !page.isEmpty();
        if (page.size() < config.batchSize()) {
            lastBatch = batch;
            batch = null;
            wakeup.batchDone(batchHadRows);
        }
        statistics.pageRead(connection, page.size() >= config.batchSize());
        long nowMillis = System.currentTimeMillis();
        List<ChangeEvent> events = new ArrayList<>(page.size() + 8);
        for (JournalRow row : page) {
            // a row without an event (a watermark, a signal, a skipped change) is removed once confirmed like any
            // row: by the next event's position, or by its own if none follows
            positionWithoutEvents = rows.collect(connection, row, events, nowMillis) ? null : new JournalPosition(row.id());
            removal.sent(row.id());
            lastIdRead = row.id();
        }
        rows.announceSkipped(connection);
        if (batch == null) {
            rows.batchEnded();
        }
        if (!page.isEmpty()) {
            log.debug("Read {} journal row(s) of batch {}", page.size(), batch == null ? lastBatch : batch);
        }
        return events;
    }

    /**
     * A page of the batch, transaction by transaction, with no positions: the batch's end (when it had rows), or
     * a page that ends with a transaction's last row, is a position, so a Kafka transaction never ends inside a
     * PostgreSQL one. An empty batch needs none: the next stored end covers it.
     */
    private List<ChangeEvent> readTransactions(Connection connection) throws SQLException {
        List<JournalRow> page = transactions.next(connection, batch);
        batchHadRows |= !page.isEmpty();
        long nowMillis = System.currentTimeMillis();
        List<ChangeEvent> decoded = new ArrayList<>(page.size() + 8);
        for (JournalRow row : page) {
            rows.collect(connection, row, decoded, nowMillis);
        }
        List<ChangeEvent> events = new ArrayList<>(decoded.size());
        for (ChangeEvent event : decoded) {
            events.add(new ChangeEvent(event.topic(), event.key(), event.value(), event.headers(), null));
        }
        rows.announceSkipped(connection);
        if (transactions.batchRead()) {
            if (batchHadRows) {
                batchEnded = BatchBoundary.whole(batch.upper());
            }
            rows.batchEnded();
            lastBatch = batch;
            batch = null;
            wakeup.batchDone(batchHadRows);
        } else if (transactions.atTransactionEnd()) {
            // the page ends with a transaction's last row: a place to commit inside a large batch
            batchEnded = new BatchBoundary(batch.lower(), batch.upper(), transactions.lastTransactionEnd(), false);
        }
        statistics.pageRead(connection, page.size() >= config.batchSize());
        return events;
    }
}
