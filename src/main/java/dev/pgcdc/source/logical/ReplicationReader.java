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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Owns the replication connection: one thread reads the stream into a {@link WalQueue} and is the only
 * one that talks to the walsender, so keepalives are answered and status updates go out on time whatever
 * the pipeline does. When the queue is full it keeps sending status updates while it waits: a blocked sink
 * must never let {@code wal_sender_timeout} fire. Positions to confirm come from the pipeline thread
 * through {@link #confirm}, which PgJDBC allows from any thread.
 *
 * <p>It waits for the server in PgJDBC's blocking {@code read()}, parked on the socket: a message is handed
 * over the moment it arrives and an idle stream costs no CPU. That read returns only with a message, so while
 * the stream is idle the confirmed position goes out with the status update PgJDBC sends on each message or
 * keepalive it receives once a status interval has passed: the walsender sends a keepalive when WAL it has
 * nothing to stream for arrives (other tables, other databases) and pings every half
 * {@code wal_sender_timeout}, and capture's heartbeats ({@code --heartbeat-interval}) are messages. (A
 * read with a socket time-out would return sooner but is unsafe: PgJDBC can time out in the middle of a
 * message and lose its place in the stream; the non-blocking {@code readPending()} can only be polled.)
 * For the same reason the read cannot be left on request: {@link #stopReading} makes the reader end the
 * stream at its next message with a last status update, and the caller sends it one (see
 * {@link MetadataSession#wakeStream}); {@link #close} cuts the connection of a reader still waiting.
 */
final class ReplicationReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicationReader.class);
    /** How often a status update goes out, also while the reader waits for room in the queue. */
    static final int STATUS_INTERVAL_MILLIS = 1_000;
    /** How long {@link #close} lets a reader that is not waiting for the server end the stream itself. */
    private static final long CLOSE_GRACE_MILLIS = 10_000;

    private final Connection connection;
    private final int walsenderPid;
    private final PGReplicationStream stream;
    private final WalQueue queue;
    private final Thread thread;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean closing;
    /** Inside the blocking read: nothing is being handed over, and only a message or a cut connection ends it. */
    private volatile boolean waitingForServer;
    private volatile Throwable failure;

    private ReplicationReader(Connection connection, int walsenderPid, PGReplicationStream stream, WalQueue queue, String slot) {
        this.connection = connection;
        this.walsenderPid = walsenderPid;
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
        // The login and the session settings below wait at most this long on a silent network; creating the
        // slot (which waits for running transactions) and streaming then wait without a bound (see the class comment).
        PGProperty.SOCKET_TIMEOUT.set(properties, (int) MetadataSession.SOCKET_TIMEOUT.toSeconds());
        Connection connection = DriverManager.getConnection(database.url(), properties);
        try {
            try (Statement statement = connection.createStatement()) {
                // pgoutput writes values with the session's output functions: pin what changes their text.
                statement.execute("SET TimeZone = 'UTC'");
                statement.execute("SET IntervalStyle = 'postgres'");
                statement.execute("SET extra_float_digits = 1");
                statement.execute("SET bytea_output = 'hex'");
            }
            int walsenderPid;
            try (Statement statement = connection.createStatement();
                 var rows = statement.executeQuery("SELECT pg_backend_pid()")) {
                rows.next();
                walsenderPid = rows.getInt(1);
            }
            connection.setNetworkTimeout(Runnable::run, 0);
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
            ReplicationReader reader = new ReplicationReader(connection, walsenderPid, stream, queue, config.slot());
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

    /** The server process (walsender) streaming to this reader. */
    int walsenderPid() {
        return walsenderPid;
    }

    /**
     * Cuts the connection: the server no longer streams to it (its walsender is gone after a cut network, and
     * an idle reader writes nothing that could fail), so the reader stops with a {@link SQLException}.
     */
    void abandon() {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException e) {
            log.debug("Aborting the replication connection failed", e);
        }
    }

    /**
     * Asks the reader to end the stream: at its next message (or at once when it is waiting for room in the
     * queue) it sends a last status update with the confirmed position and ends the stream. Returns at once.
     */
    void stopReading() {
        closing = true;
    }

    /**
     * Stops reading and releases the connection: a reader busy handing over ends the stream itself (see
     * {@link #stopReading}); one still waiting for the server has its connection cut, so a caller that needs
     * the last position on the slot waits for it first (PgJDBC sends it within a status interval or two while
     * it waits). Safe to call twice.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopReading();
        try {
            if (!waitingForServer) {
                thread.join(CLOSE_GRACE_MILLIS);
            }
            if (thread.isAlive()) {
                connection.abort(Runnable::run); // waiting for a message that may never come, or stuck in the network
                thread.join(CLOSE_GRACE_MILLIS);
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
                waitingForServer = true;
                ByteBuffer message = stream.read(); // parked on the socket; answers keepalives, sends status updates
                waitingForServer = false;
                if (message == null) {
                    throw new SQLException("the server ended the replication stream", "08006");
                }
                WalQueue.Received item = new WalQueue.Received(message, new Lsn(stream.getLastReceiveLSN().asLong()));
                boolean endsWork = PgOutputDecoder.endsWork(message);
                while (!queue.offer(item, endsWork, STATUS_INTERVAL_MILLIS, TimeUnit.MILLISECONDS) && !closing) {
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
        } finally {
            waitingForServer = false;
        }
    }
}
