package dev.pgcdc.source.logical;

import dev.pgcdc.Version;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.Position;
import dev.pgcdc.event.RowChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.Backoff;
import dev.pgcdc.source.Catalog;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;
import dev.pgcdc.source.Source;
import dev.pgcdc.source.logical.PgOutputMessage.Begin;
import dev.pgcdc.source.logical.PgOutputMessage.Commit;
import dev.pgcdc.source.logical.PgOutputMessage.Delete;
import dev.pgcdc.source.logical.PgOutputMessage.Insert;
import dev.pgcdc.source.logical.PgOutputMessage.LogicalMessage;
import dev.pgcdc.source.logical.PgOutputMessage.Relation;
import dev.pgcdc.source.logical.PgOutputMessage.Truncate;
import dev.pgcdc.source.logical.PgOutputMessage.Type;
import dev.pgcdc.source.logical.PgOutputMessage.Update;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Streams a publication's changes from a replication slot with the built-in {@code pgoutput} plugin.
 *
 * <p>Positions: every change but the last of a transaction goes out without position; the last one is held
 * back until the Commit arrives and carries the commit's end LSN. The slot's flushed LSN is advanced only
 * to a commit whose events, and all before them, Kafka has acknowledged. Transactions with nothing to
 * publish (and heartbeats) advance it directly when nothing is in flight, so an idle slot does not retain
 * WAL. Memory does not grow with transaction size: changes are handed on as they arrive.
 */
public final class LogicalSource implements Source {

    public static final String APPLICATION_NAME = "pgcdc-logical";

    private static final Logger log = LoggerFactory.getLogger(LogicalSource.class);
    private static final int MAX_EVENTS_PER_POLL = 2_000;
    private static final String HEARTBEAT_PREFIX = "pgcdc-heartbeat";

    private final DatabaseConfig database;
    private final LogicalCaptureConfig config;
    private final DebeziumEnvelope envelope;
    private final boolean messagesSupported;
    private final PgOutputDecoder decoder = new PgOutputDecoder();
    private final ChangeAssembler assembler;
    private final Map<TableId, List<String>> primaryKeys = new HashMap<>();
    private Connection metadata;
    private Connection replication;
    private PGReplicationStream stream;
    private RowChange heldBack;
    private Lsn lastEmitted = Lsn.ZERO;
    private Lsn confirmed = Lsn.ZERO;
    private Lsn idleAfterEmitted;
    private long nextHeartbeatNanos;
    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));

    private LogicalSource(DatabaseConfig database, LogicalCaptureConfig config, Connection metadata, String databaseName,
                          boolean messagesSupported) {
        this.database = database;
        this.config = config;
        this.metadata = metadata;
        this.envelope = new DebeziumEnvelope(config.topicPrefix(), databaseName, Version.VALUE, config.tombstones());
        this.messagesSupported = messagesSupported;
        this.assembler = new ChangeAssembler(this::primaryKey, config.transactionTopic());
    }

    /**
     * Checks the server (see {@link LogicalPreflight}), creates the slot when missing and starts streaming.
     *
     * @throws CdcException with a one-line fix when the server is not ready for logical capture
     */
    public static LogicalSource open(DatabaseConfig database, LogicalCaptureConfig config) {
        Connection metadata = PostgresConnections.open(database, APPLICATION_NAME);
        try {
            boolean slotExists = LogicalPreflight.check(metadata, config);
            boolean messages = serverVersion(metadata) >= 140000;
            LogicalSource source = new LogicalSource(database, config, metadata, Catalog.currentDatabase(metadata), messages);
            if (slotExists) {
                source.assembler.resumeAfter(confirmedFlush(metadata, config.slot()));
            }
            source.startStream(!slotExists);
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
        try (Connection connection = PostgresConnections.open(database, APPLICATION_NAME);
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
        if (stream == null && !reconnect(timeout)) {
            return List.of();
        }
        List<ChangeEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (events.size() < MAX_EVENTS_PER_POLL) {
                ByteBuffer message = stream.readPending();
                if (message == null) {
                    if (!events.isEmpty() || System.nanoTime() >= deadline) {
                        break;
                    }
                    heartbeatIfDue();
                    Thread.sleep(1);
                    continue;
                }
                handle(decoder.decode(message), new Lsn(stream.getLastReceiveLSN().asLong()), events);
            }
        } catch (SQLException e) {
            lost(e);
        }
        return events;
    }

    @Override
    public void commit(Position position) {
        Lsn committed = (Lsn) position;
        if (committed.equals(lastEmitted) && idleAfterEmitted != null) {
            committed = idleAfterEmitted;
            idleAfterEmitted = null;
        }
        flush(committed);
    }

    /** The newest LSN confirmed to PostgreSQL. */
    public Lsn confirmed() {
        return confirmed;
    }

    @Override
    public void close() {
        closeStream();
        closeQuietly(metadata);
        metadata = null;
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
            hold(assembler.insert(insert, lsn), events);
        } else if (message instanceof Update update) {
            hold(assembler.update(update, lsn), events);
        } else if (message instanceof Delete delete) {
            hold(assembler.delete(delete, lsn), events);
        } else if (message instanceof Truncate truncate) {
            assembler.truncate(truncate, lsn).forEach(change -> hold(change, events));
        } else if (message instanceof Commit commit) {
            if (heldBack != null) {
                emitHeld(events, commit.endLsn());
                if (config.transactionTopic()) {
                    events.add(envelope.transactionEnd(assembler.transactionId(), assembler.transactionTimeMillis(),
                            assembler.eventsPerTable(), commit.endLsn()));
                }
                lastEmitted = commit.endLsn();
            } else {
                nothingToPublishUpTo(commit.endLsn());
            }
            assembler.commit(commit.endLsn());
        } else if (message instanceof LogicalMessage logical && !logical.transactional()) {
            nothingToPublishUpTo(logical.lsn());
        }
        // Origin: changes replicated from another node are captured like local ones.
    }

    private void hold(RowChange change, List<ChangeEvent> events) {
        if (heldBack != null) {
            emitHeld(events, null);
        } else if (change.transaction() != null && change.transaction().totalOrder() == 1) {
            events.add(envelope.transactionBegin(change.transaction().id(), change.sourceTsMillis(), null));
        }
        heldBack = change;
    }

    private void emitHeld(List<ChangeEvent> events, Lsn position) {
        events.addAll(envelope.events(heldBack, System.currentTimeMillis(), position, List.of()));
        heldBack = null;
    }

    /** WAL up to {@code lsn} holds nothing to publish: confirm it now, or once what is in flight is acknowledged. */
    private void nothingToPublishUpTo(Lsn lsn) {
        if (confirmed.compareTo(lastEmitted) >= 0) {
            flush(lsn);
        } else {
            idleAfterEmitted = lsn;
        }
    }

    private void flush(Lsn lsn) {
        if (!lsn.isAfter(confirmed)) {
            return;
        }
        confirmed = lsn;
        if (stream == null) {
            return; // sent when the stream is back: the slot keeps its older position meanwhile
        }
        try {
            LogSequenceNumber position = LogSequenceNumber.valueOf(lsn.value());
            stream.setFlushedLSN(position);
            stream.setAppliedLSN(position);
            stream.forceUpdateStatus();
        } catch (SQLException e) {
            lost(e);
        }
    }

    private void heartbeatIfDue() {
        if (!messagesSupported || System.nanoTime() < nextHeartbeatNanos) {
            return;
        }
        nextHeartbeatNanos = System.nanoTime() + config.heartbeatInterval().toNanos();
        try (Statement statement = metadata.createStatement()) {
            statement.execute("SELECT pg_logical_emit_message(false, '" + HEARTBEAT_PREFIX + "', '')");
        } catch (SQLException e) {
            log.debug("Heartbeat failed: {}", e.getMessage());
        }
    }

    private List<String> primaryKey(TableId table) {
        return primaryKeys.computeIfAbsent(table, missing -> {
            try {
                return Catalog.primaryKey(metadata, missing);
            } catch (SQLException e) {
                throw PostgresErrors.describe(e, database, "reading the primary key of " + missing);
            }
        });
    }

    private void startStream(boolean createSlot) throws SQLException {
        Properties properties = database.connectionProperties(APPLICATION_NAME);
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        replication = DriverManager.getConnection(database.url(), properties);
        try (Statement statement = replication.createStatement()) {
            // pgoutput writes values with the session's output functions: pin what changes their text.
            statement.execute("SET TimeZone = 'UTC'");
            statement.execute("SET IntervalStyle = 'postgres'");
            statement.execute("SET extra_float_digits = 1");
            statement.execute("SET bytea_output = 'hex'");
        }
        PGConnection pg = replication.unwrap(PGConnection.class);
        if (createSlot) {
            pg.getReplicationAPI().createReplicationSlot().logical()
                    .withSlotName(config.slot()).withOutputPlugin("pgoutput").make();
            log.info("Created replication slot '{}'", config.slot());
        }
        var builder = pg.getReplicationAPI().replicationStream().logical()
                .withSlotName(config.slot())
                .withSlotOption("proto_version", "1")
                .withSlotOption("publication_names", config.publication())
                // Frequent status updates also reveal a dead connection fast: reads alone do not notice it.
                .withStatusInterval(1, TimeUnit.SECONDS);
        if (messagesSupported) {
            builder.withSlotOption("messages", true);
        }
        stream = builder.start();
        assembler.reset();
        heldBack = null;
        if (confirmed.compareTo(Lsn.ZERO) > 0) {
            LogSequenceNumber position = LogSequenceNumber.valueOf(confirmed.value());
            stream.setFlushedLSN(position);
            stream.setAppliedLSN(position);
        }
    }

    private boolean reconnect(Duration timeout) throws InterruptedException {
        if (!backoff.awaitNextAttempt(timeout)) {
            return false;
        }
        try {
            if (metadata == null || metadata.isClosed() || !metadata.isValid(5)) {
                closeQuietly(metadata);
                metadata = PostgresConnections.open(database, APPLICATION_NAME);
            }
            startStream(false);
            backoff.succeeded();
            log.info("Reconnected; streaming slot '{}' again from its confirmed position", config.slot());
            return true;
        } catch (SQLException | CdcException e) {
            if (e instanceof SQLException sql && "42704".equals(sql.getSQLState())) {
                throw new CdcException(CdcException.Kind.CONFIGURATION, "replication slot '" + config.slot()
                        + "' no longer exists: it was dropped while capture was disconnected; changes since may be lost");
            }
            closeStream();
            log.warn("Cannot stream from PostgreSQL yet ({}); next attempt in {} ms", e.getMessage(), backoff.failed().toMillis());
            return false;
        }
    }

    private void lost(SQLException e) {
        log.warn("Lost the replication connection ({}); resuming from the slot's confirmed position", e.getMessage());
        closeStream();
    }

    private void closeStream() {
        if (stream != null) {
            try {
                stream.close();
            } catch (SQLException e) {
                log.debug("Closing the replication stream failed", e);
            }
            stream = null;
        }
        closeQuietly(replication);
        replication = null;
        heldBack = null;
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
