package dev.pgcdc.source.logical;

import dev.pgcdc.Version;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.Position;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.Backoff;
import dev.pgcdc.source.Catalog;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;
import dev.pgcdc.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Streams a publication's changes from a replication slot with the built-in {@code pgoutput} plugin.
 *
 * <p>A {@link ReplicationReader} thread owns the replication connection and fills a {@link WalQueue}
 * bounded by bytes; {@link #poll} drains it on the pipeline thread through a {@link TransactionEmitter}.
 * Every position the slot may be confirmed to, whether it carries an event (a commit) or not (an empty
 * transaction, a heartbeat), goes through the pipeline's in-order acknowledgement; {@link #commit} hands the
 * result to the reader. A clean {@link #close} waits until the slot shows the last confirmed position, so a
 * restart re-sends nothing.
 */
public final class LogicalSource implements Source {

    public static final String APPLICATION_NAME = "pgcdc-logical";

    private static final Logger log = LoggerFactory.getLogger(LogicalSource.class);
    /** What the reader may hold ahead of the pipeline; one larger message is still admitted alone. */
    private static final long QUEUE_BYTES = 8L * 1024 * 1024;
    /** What one poll hands the pipeline at most, by events and by the bytes they were read from. */
    private static final int MAX_EVENTS_PER_POLL = 2_000;
    private static final long MAX_BYTES_PER_POLL = 4L * 1024 * 1024;
    private static final Duration CLOSE_CONFIRM_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WAKE_INTERVAL = Duration.ofMillis(500);

    private final DatabaseConfig database;
    private final LogicalCaptureConfig config;
    private final boolean messagesSupported;
    private final MetadataSession metadata;
    private final TransactionEmitter emitter;
    private final PgOutputDecoder decoder = new PgOutputDecoder();
    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));
    private ReplicationReader reader;
    private WalQueue queue;
    private Lsn confirmed;
    private long announcedTruncates;
    private long restarts;

    private LogicalSource(DatabaseConfig database, LogicalCaptureConfig config, Connection metadata, String databaseName,
                          boolean messagesSupported, Lsn confirmed) {
        this.database = database;
        this.config = config;
        this.messagesSupported = messagesSupported;
        this.confirmed = confirmed;
        this.metadata = new MetadataSession(database, metadata, config.heartbeatInterval(), messagesSupported);
        ChangeAssembler assembler = new ChangeAssembler(this.metadata::primaryKey, new TypeResolver(this.metadata),
                config.transactionTopic());
        assembler.resumeAfter(confirmed);
        this.emitter = new TransactionEmitter(assembler,
                new DebeziumEnvelope(config.topicPrefix(), databaseName, Version.VALUE, config.tombstones()),
                config.transactionTopic(), config.onBadRecord(), config.skippedOperations());
    }

    /**
     * Checks the server (see {@link LogicalPreflight}), creates the slot when missing and starts streaming.
     *
     * @throws CdcException with a one-line fix when the server is not ready for logical capture
     */
    public static LogicalSource open(DatabaseConfig database, LogicalCaptureConfig config) {
        return open(database, config, Lsn.ZERO);
    }

    /**
     * Like {@link #open(DatabaseConfig, LogicalCaptureConfig)}, resuming after {@code resumeAfter} when it is
     * past the slot's confirmed position: exactly-once capture stores its position in Kafka first and
     * confirms the slot after, so a crash between the two leaves Kafka ahead of the slot.
     */
    public static LogicalSource open(DatabaseConfig database, LogicalCaptureConfig config, Lsn resumeAfter) {
        Connection metadata = PostgresConnections.open(database, APPLICATION_NAME, MetadataSession.SOCKET_TIMEOUT);
        try {
            boolean slotExists = LogicalPreflight.check(metadata, config);
            for (String table : LogicalPreflight.tablesWithoutBeforeImages(metadata, config.publication())) {
                log.warn(LogicalPreflight.noBeforeImageWarning(table));
            }
            boolean messages = serverVersion(metadata) >= 140000;
            Lsn slotConfirmed = slotExists ? confirmedFlush(metadata, config.slot()) : Lsn.ZERO;
            Lsn confirmed = resumeAfter.isAfter(slotConfirmed) ? resumeAfter : slotConfirmed;
            LogicalSource source = new LogicalSource(database, config, metadata, Catalog.currentDatabase(metadata), messages, confirmed);
            source.startReader(!slotExists);
            return source;
        } catch (SQLException e) {
            closeQuietly(metadata);
            throw PostgresErrors.describe(e, database, "preparing logical replication");
        } catch (RuntimeException e) {
            closeQuietly(metadata);
            throw e;
        }
    }

    /** The topics of the tables the publication holds now (and the transaction topic), to create them before capture starts. */
    public static List<String> topicsOfPublishedTables(DatabaseConfig database, LogicalCaptureConfig config) {
        try (Connection connection = PostgresConnections.open(database, APPLICATION_NAME, MetadataSession.SOCKET_TIMEOUT);
             var query = connection.prepareStatement(
                     "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ? ORDER BY 1, 2")) {
            DebeziumEnvelope names = new DebeziumEnvelope(config.topicPrefix(), "", "", false);
            query.setString(1, config.publication());
            List<String> topics = new ArrayList<>();
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    topics.add(names.topic(new TableId(rows.getString(1), rows.getString(2))));
                }
            }
            if (config.transactionTopic()) {
                topics.add(names.transactionTopic());
            }
            return topics;
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "listing the published tables");
        }
    }

    @Override
    public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
        metadata.heartbeatIfDue(config.slot(), confirmed);
        if (reader == null && !reconnect(timeout)) {
            return List.of();
        }
        if (metadata.streamCheckDue() && metadata.slotStreamedByOther(config.slot(), reader.walsenderPid())) {
            log.warn("PostgreSQL no longer streams slot '{}' to this capture (its network was cut?); reconnecting", config.slot());
            reader.abandon();
        }
        List<ChangeEvent> events = new ArrayList<>();
        if (!emitter.acceptCarried(events)) {
            return events;
        }
        long bytes = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.size() < MAX_EVENTS_PER_POLL && bytes < MAX_BYTES_PER_POLL) {
            // Wait only while there is nothing to hand over yet.
            long wait = events.isEmpty() && !emitter.hasPositionWithoutEvents() ? deadline - System.nanoTime() : 0;
            WalQueue.Received received = queue.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
            if (received == null) {
                if (!reader.isReading()) {
                    readerStopped();
                }
                break;
            }
            bytes += received.size();
            if (!emitter.accept(decoder.decode(received.message()), received.lsn(), events)) {
                break; // a change after a position without events: that position goes to the pipeline first
            }
            if (emitter.hasWatermarks()) {
                break; // a snapshot chunk goes out right here, after exactly the changes before its watermark
            }
        }
        if (emitter.skippedTruncates() != announcedTruncates) {
            announcedTruncates = emitter.skippedTruncates();
            metadata.announceSkippedTruncates(announcedTruncates);
        }
        return events;
    }

    @Override
    public long skippedTruncates() {
        return emitter.skippedTruncates();
    }

    @Override
    public boolean midTransaction() {
        return emitter.midTransaction();
    }

    @Override
    public List<String> takeWatermarks() {
        return emitter.takeWatermarks();
    }

    @Override
    public List<String> takeSignals() {
        return emitter.takeSignals();
    }

    @Override
    public long restarts() {
        return restarts;
    }

    @Override
    public Position takePositionWithoutEvents() {
        return emitter.takePositionWithoutEvents();
    }

    @Override
    public void commit(Position position) {
        Lsn committed = (Lsn) position;
        if (!committed.isAfter(confirmed)) {
            return;
        }
        confirmed = committed;
        if (reader != null) {
            reader.confirm(committed);
        } // else: a new reader starts at the confirmed position
    }

    /** The newest LSN confirmed to PostgreSQL. */
    public Lsn confirmed() {
        return confirmed;
    }

    /**
     * The reader waits on the socket and leaves only at its next message: it is asked to stop and sent one, then
     * its connection is closed once the slot shows the last confirmed position.
     */
    @Override
    public void close() {
        if (reader != null && reader.isReading()) {
            reader.stopReading();
            metadata.wakeStream();
            if (confirmed.isAfter(Lsn.ZERO)) {
                awaitSlotConfirmed();
            }
        }
        closeReader();
        metadata.close();
    }

    /**
     * Waits until the slot shows the last confirmed position: the reader sends it as it ends the stream, or
     * PgJDBC with a status update on a keepalive while the reader still waits for a message.
     */
    private void awaitSlotConfirmed() {
        long deadline = System.nanoTime() + CLOSE_CONFIRM_TIMEOUT.toNanos();
        long nextWake = System.nanoTime() + WAKE_INTERVAL.toNanos();
        while (!metadata.slotConfirmedAtLeast(config.slot(), confirmed)) {
            if (System.nanoTime() > nextWake) {
                metadata.wakeStream(); // before PostgreSQL 14, a keepalive carries the status update only once one is due
                nextWake = System.nanoTime() + WAKE_INTERVAL.toNanos();
            }
            if (System.nanoTime() > deadline) {
                log.warn("The slot '{}' did not show position {} within {} s: a restart may re-send what came after its position",
                        config.slot(), confirmed, CLOSE_CONFIRM_TIMEOUT.toSeconds());
                return;
            }
            try {
                Thread.sleep(50); // the walsender applies it as it ends; nothing here to be woken by
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void startReader(boolean createSlot) throws SQLException {
        queue = new WalQueue(QUEUE_BYTES);
        emitter.reset();
        reader = ReplicationReader.start(database, config, createSlot, messagesSupported, confirmed, queue);
    }

    private void readerStopped() {
        Throwable failure = reader.failure();
        closeReader();
        if (failure instanceof SQLException e) {
            log.warn("Lost the replication connection ({}); resuming from the confirmed position {}", e.getMessage(), confirmed);
        } else {
            throw new CdcException(CdcException.Kind.INTERNAL, "the replication reader failed: " + failure, failure);
        }
    }

    private boolean reconnect(Duration timeout) throws InterruptedException {
        if (!backoff.awaitNextAttempt(timeout)) {
            return false;
        }
        try {
            startReader(false);
            restarts++;
            backoff.succeeded();
            log.info("Reconnected; streaming slot '{}' again from {}", config.slot(), confirmed);
            return true;
        } catch (SQLException e) {
            if ("42704".equals(e.getSQLState())) {
                throw new CdcException(CdcException.Kind.CONFIGURATION, "replication slot '" + config.slot()
                        + "' no longer exists: it was dropped while capture was disconnected; changes since may be lost");
            }
            closeReader();
            log.warn("Cannot stream from PostgreSQL yet ({}); next attempt in {} ms", e.getMessage(), backoff.failed().toMillis());
            return false;
        }
    }

    private void closeReader() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
        queue = null;
    }

    private static Lsn confirmedFlush(Connection connection, String slot) throws SQLException {
        try (var query = connection.prepareStatement(
                "SELECT coalesce(confirmed_flush_lsn, '0/0')::text FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (var rows = query.executeQuery()) {
                return rows.next() ? Lsn.parse(rows.getString(1)) : Lsn.ZERO;
            }
        }
    }

    private static int serverVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             var rows = statement.executeQuery("SHOW server_version_num")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing a PostgreSQL connection failed", e);
        }
    }
}
