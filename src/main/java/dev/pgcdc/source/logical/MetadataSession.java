package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.source.Backoff;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.SkippedTruncates;
import dev.pgcdc.source.PostgresErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ordinary (non-replication) connection logical capture keeps beside the stream: heartbeats, primary
 * keys and types by OID, and the slot's confirmed position. A failure is a WARN with the reason; the connection is dropped
 * and opened again with backoff, so a dead connection never silently stops an idle slot from advancing.
 * Every statement is short (catalog lookups by OID or name, a heartbeat, one row of an UNLOGGED table, whose
 * commit waits for no synchronous standby), so a read that waits longer than {@link #SOCKET_TIMEOUT} fails: a
 * silent network (packets dropped, no reset) ends in a reconnection rather than a wait without end.
 * Used from the pipeline thread only.
 */
final class MetadataSession implements TypeResolver.Catalog, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetadataSession.class);
    static final String HEARTBEAT_PREFIX = "pgcdc-heartbeat";
    /**
     * How long a statement (or the login) may wait for PostgreSQL before its connection counts as lost: far
     * above what these statements take on a loaded server, well below what a supervisor would call a hang.
     */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(15);

    private final DatabaseConfig database;
    private final Duration heartbeatInterval;
    private final boolean heartbeats;
    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    private Connection connection;
    private long nextHeartbeatNanos;
    private long nextStreamCheckNanos;
    private Lsn recordedProgress = Lsn.ZERO;
    private boolean recordsProgress = true;

    /**
     * @param heartbeats whether the server can take non-transactional logical messages (PostgreSQL 14+)
     */
    MetadataSession(DatabaseConfig database, Connection connection, Duration heartbeatInterval, boolean heartbeats) {
        this.database = database;
        this.connection = connection;
        this.heartbeatInterval = heartbeatInterval;
        this.heartbeats = heartbeats;
    }

    /**
     * Writes a heartbeat when one is due: a non-transactional logical message that reaches the stream even
     * when the published tables are quiet, so the slot can be confirmed past other tables' WAL. At the same
     * pace, records for {@code status} when the slot's confirmed position last moved.
     */
    void heartbeatIfDue(String slot, Lsn confirmed) {
        if (System.nanoTime() < nextHeartbeatNanos) {
            return;
        }
        nextHeartbeatNanos = System.nanoTime() + heartbeatInterval.toNanos();
        try {
            Connection open = connection(false);
            if (open == null) {
                return; // reconnecting: the backoff has not elapsed yet
            }
            if (heartbeats) {
                emitHeartbeat(open);
            }
            recordProgress(open, slot, confirmed);
        } catch (SQLException | CdcException e) {
            failed("heartbeat", e);
        }
    }

    /** Whether a heartbeat interval passed since the last {@link #slotStreamedByOther} check; true once per interval. */
    boolean streamCheckDue() {
        if (System.nanoTime() < nextStreamCheckNanos) {
            return false;
        }
        nextStreamCheckNanos = System.nanoTime() + heartbeatInterval.toNanos();
        return true;
    }

    /**
     * Whether the slot is streamed by another walsender than {@code walsenderPid}, or by none: the server ended
     * ours (after {@code wal_sender_timeout} on a cut network) while our end of the connection never heard of
     * it. False when it cannot tell (this connection is down too).
     */
    boolean slotStreamedByOther(String slot, int walsenderPid) {
        try {
            Connection open = connection(false);
            if (open == null) {
                return false;
            }
            try (PreparedStatement query = open.prepareStatement("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
                query.setString(1, slot);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() && rows.getInt(1) != walsenderPid;
                }
            }
        } catch (SQLException | CdcException e) {
            failed("checking who streams the slot", e);
            return false;
        }
    }

    /**
     * Writes a heartbeat now, so a reader waiting for the server gets something (see
     * {@link ReplicationReader#stopReading}): PostgreSQL 14+ streams it as a message; earlier versions answer
     * the WAL it writes with a keepalive, which carries PgJDBC's next status update.
     */
    void wakeStream() {
        try {
            Connection open = connection(false);
            if (open != null) {
                emitHeartbeat(open);
            }
        } catch (SQLException | CdcException e) {
            log.debug("Waking the replication stream failed; the stop waits for the slot without it", e);
        }
    }

    private static void emitHeartbeat(Connection open) throws SQLException {
        try (Statement statement = open.createStatement()) {
            statement.execute("SELECT pg_logical_emit_message(false, '" + HEARTBEAT_PREFIX + "', '')");
        }
    }

    /**
     * A role that may not write the table, or a setup from before it existed, only costs status that figure; a
     * lost connection is the caller's to handle.
     */
    private void recordProgress(Connection open, String slot, Lsn confirmed) throws SQLException {
        if (!recordsProgress || !confirmed.isAfter(recordedProgress)) {
            return;
        }
        try {
            SlotProgress.record(open, slot, confirmed);
            recordedProgress = confirmed;
        } catch (SQLException e) {
            if (PostgresErrors.isTransient(e)) {
                throw e;
            }
            recordsProgress = false;
            log.warn("Cannot record in {} when the slot last advanced ({}); status will not show it: run setup again "
                    + "as a role that may create it, or grant this role INSERT and UPDATE on it", SlotProgress.TABLE, e.getMessage());
        }
    }

    /** Shows {@code pgcdc status} how many truncates this capture skipped (see {@link SkippedTruncates}). */
    void announceSkippedTruncates(long count) {
        try {
            Connection open = connection(false);
            if (open != null) {
                SkippedTruncates.announce(open, LogicalSource.APPLICATION_NAME, count);
            }
        } catch (SQLException | CdcException e) {
            failed("skipped-truncate notice", e);
        }
    }

    /** The table's primary-key columns in key order, by OID (names change); empty when it has none. */
    List<String> primaryKey(int relationOid) {
        return query("""
                SELECT a.attname
                FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                WHERE i.indrelid = ? AND i.indisprimary
                ORDER BY array_position(i.indkey::int2[], a.attnum)""", relationOid,
                "reading the primary key of relation " + Integer.toUnsignedString(relationOid)).stream().map(row -> row[0]).toList();
    }

    /** {@code pg_type}'s row for a type, for {@link TypeResolver}; null when the type no longer exists. */
    @Override
    public TypeResolver.TypeRow type(int oid) {
        List<String[]> rows = query("SELECT typtype, typcategory, typelem, typdelim, typbasetype, typrelid FROM pg_type WHERE oid = ?", oid,
                "reading type " + Integer.toUnsignedString(oid));
        if (rows.isEmpty()) {
            return null;
        }
        String[] row = rows.get(0);
        return new TypeResolver.TypeRow(row[0].charAt(0), row[1].charAt(0), (int) Long.parseLong(row[2]), row[3].charAt(0),
                (int) Long.parseLong(row[4]), (int) Long.parseLong(row[5]));
    }

    /** A composite type's live attributes in order, as name and type OID. */
    @Override
    public List<Map.Entry<String, Integer>> attributes(int relationOid) {
        return query("SELECT attname, atttypid FROM pg_attribute WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                relationOid, "reading the attributes of relation " + Integer.toUnsignedString(relationOid)).stream()
                .map(row -> Map.entry(row[0], (int) Long.parseLong(row[1]))).toList();
    }

    /** Rows of a one-OID-parameter catalog query as text, retried over a reconnection like {@link #primaryKey}. */
    private List<String[]> query(String sql, int oid, String what) {
        for (int attempt = 1; ; attempt++) {
            try {
                Connection open = connection(true);
                if (open == null) {
                    throw new CdcException(CdcException.Kind.INTERNAL, "interrupted while reconnecting to PostgreSQL");
                }
                try (PreparedStatement query = open.prepareStatement(sql)) {
                    query.setLong(1, Integer.toUnsignedLong(oid));
                    List<String[]> rows = new ArrayList<>();
                    try (ResultSet result = query.executeQuery()) {
                        int columns = result.getMetaData().getColumnCount();
                        while (result.next()) {
                            String[] row = new String[columns];
                            for (int i = 0; i < columns; i++) {
                                row[i] = result.getString(i + 1);
                            }
                            rows.add(row);
                        }
                    }
                    return rows;
                }
            } catch (SQLException e) {
                if (attempt >= 3 || !PostgresErrors.isTransient(e)) {
                    throw PostgresErrors.describe(e, database, what);
                }
                failed(what, e);
            } catch (CdcException e) {
                if (attempt >= 3) {
                    throw e;
                }
                failed(what, e);
            }
        }
    }

    /** Whether the slot's confirmed position is at or past {@code lsn}; false when it cannot be read. */
    boolean slotConfirmedAtLeast(String slot, Lsn lsn) {
        try {
            Connection open = connection(false);
            if (open == null) {
                return false;
            }
            try (PreparedStatement query = open.prepareStatement(
                    "SELECT confirmed_flush_lsn >= ?::pg_lsn FROM pg_replication_slots WHERE slot_name = ?")) {
                query.setString(1, lsn.toString());
                query.setString(2, slot);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() && rows.getBoolean(1);
                }
            }
        } catch (SQLException | CdcException e) {
            failed("reading the slot's position", e);
            return false;
        }
    }

    @Override
    public void close() {
        drop();
    }

    /**
     * The open connection, opened again after a failure once the backoff allows; null when the next attempt
     * is not due yet and {@code wait} is false.
     */
    private Connection connection(boolean wait) {
        if (connection == null) {
            try {
                while (!backoff.awaitNextAttempt(wait ? Duration.ofSeconds(30) : Duration.ZERO)) {
                    if (!wait) {
                        return null;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            connection = PostgresConnections.open(database, LogicalSource.APPLICATION_NAME, SOCKET_TIMEOUT);
            backoff.succeeded();
            log.info("Metadata connection to PostgreSQL re-established");
        }
        return connection;
    }

    private void failed(String what, Exception e) {
        log.warn("The {} failed ({}); reconnecting the metadata connection in {} ms", what, reason(e), backoff.failed().toMillis());
        drop();
    }

    /** PgJDBC words a read that timed out as a generic I/O error; say what it means. */
    private static String reason(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return "no answer from PostgreSQL within " + SOCKET_TIMEOUT.toSeconds() + " s: is the network cut?";
            }
        }
        return e.getMessage();
    }

    private void drop() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing the metadata connection failed", e);
        }
        connection = null;
    }
}
