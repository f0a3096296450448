package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
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
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Owns the replication connection: one thread reads the stream into a {@link WalQueue} and is the only
 * one that talks to the walsender, so keepalives are answered and status updates go out on time whatever
 * the pipeline does. When the queue is full it keeps sending status updates while it waits: a blocked sink
 * must never let {@code wal_sender_timeout} fire. Positions to confirm come from the pipeline thread
 * through {@link #confirm}, which PgJDBC allows from any thread; on {@link #close} the reader sends the last
 * of them before it ends the stream, so a clean stop leaves nothing to re-send.
 *
 * <p>It reads with {@code readPending()} and naps briefly when nothing is there: PgJDBC's blocking
 * {@code read()} sends no status update while the stream is idle, and cannot be left on request.
 */
final class ReplicationReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicationReader.class);
    /** How often a status update goes out, also while the reader waits for room in the queue. */
    static final int STATUS_INTERVAL_MILLIS = 1_000;
    private static final long IDLE_NAP_MILLIS = 5;

    private final Connection connection;
    private final PGReplicationStream stream;
    private final WalQueue queue;
    private final Thread thread;
    private volatile boolean closing;
    private volatile Throwable failure;

    private ReplicationReader(Connection connection, PGReplicationStream stream, WalQueue queue, String slot) {
        this.connection = connection;
        this.stream = stream;
        this.queue = queue;
        this.thread = new Thread(this::run, "pgcdc-replication-" + slot);
        this.thread.setDaemon(true);
    }

    /**
     * Connects, creates the slot when asked, and starts streaming at {@code startAt} (the position capture
     * last confirmed; {@link Lsn#ZERO} lets the server use the slot's).
     */
    static ReplicationReader start(DatabaseConfig database, LogicalCaptureConfig config, boolean createSlot,
                                   boolean messages, Lsn startAt, WalQueue queue) throws SQLException {
        Properties properties = database.connectionProperties(LogicalSource.APPLICATION_NAME);
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        Connection connection = DriverManager.getConnection(database.url(), properties);
        try {
            try (Statement statement = connection.createStatement()) {
                // pgoutput writes values with the session's output functions: pin what changes their text.
                statement.execute("SET TimeZone = 'UTC'");
                statement.execute("SET IntervalStyle = 'postgres'");
                statement.execute("SET extra_float_digits = 1");
                statement.execute("SET bytea_output = 'hex'");
            }
            PGConnection pg = connection.unwrap(PGConnection.class);
            if (createSlot) {
                pg.getReplicationAPI().createReplicationSlot().logical()
                        .withSlotName(config.slot()).withOutputPlugin("pgoutput").make();
                log.info("Created replication slot '{}'", config.slot());
            }
            var builder = pg.getReplicationAPI().replicationStream().logical()
                    .withSlotName(config.slot())
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", config.publication())
                    // Also bounds each blocking read, so status updates go out this often when the stream is idle.
                    .withStatusInterval(STATUS_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
            if (messages) {
                builder.withSlotOption("messages", true);
            }
            if (startAt.isAfter(Lsn.ZERO)) {
                builder.withStartPosition(LogSequenceNumber.valueOf(startAt.value()));
            }
            PGReplicationStream stream = builder.start();
            if (startAt.isAfter(Lsn.ZERO)) {
                LogSequenceNumber position = LogSequenceNumber.valueOf(startAt.value());
                stream.setFlushedLSN(position);
                stream.setAppliedLSN(position);
            }
            ReplicationReader reader = new ReplicationReader(connection, stream, queue, config.slot());
            reader.thread.start();
            return reader;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Everything up to {@code lsn} is safely delivered; the next status update tells the server. */
    void confirm(Lsn lsn) {
        LogSequenceNumber position = LogSequenceNumber.valueOf(lsn.value());
        stream.setFlushedLSN(position);
        stream.setAppliedLSN(position);
    }

    /** Why the reader stopped on its own (a lost connection is a {@link SQLException}); null while it runs. */
    Throwable failure() {
        return failure;
    }

    boolean isReading() {
        return thread.isAlive();
    }

    /**
     * Stops reading: the reader sends a last status update with the confirmed position and ends the stream.
     * Safe to call twice.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        synchronized (this) {
            notifyAll();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            if (thread.isAlive()) {
                connection.abort(Runnable::run); // stuck in the network: give up on a graceful end
            }
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing the replication connection failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (!closing) {
                ByteBuffer message = stream.readPending(); // also sends a status update when one is due
                if (message == null) {
                    if (stream.isClosed()) {
                        throw new SQLException("the server ended the replication stream", "08006");
                    }
                    nap();
                    continue;
                }
                WalQueue.Received item = new WalQueue.Received(message, new Lsn(stream.getLastReceiveLSN().asLong()));
                while (!queue.offer(item, STATUS_INTERVAL_MILLIS, TimeUnit.MILLISECONDS) && !closing) {
                    stream.forceUpdateStatus();
                }
            }
            stream.forceUpdateStatus();
            stream.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            if (!closing) {
                failure = e;
            } else {
                log.debug("The replication stream did not end cleanly", e);
            }
        }
    }

    private synchronized void nap() throws InterruptedException {
        if (!closing) {
            wait(IDLE_NAP_MILLIS);
        }
    }
}
