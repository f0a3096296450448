package dev.pgcdc.source.trigger;

import dev.pgcdc.Version;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.Position;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.Catalog;
import dev.pgcdc.source.ListeningConnection;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;
import dev.pgcdc.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drains {@code pgcdc.journal}. Rows are removed only once Kafka has acknowledged their events, so a crash
 * redelivers at most what was acknowledged but not yet removed.
 *
 * <p>No high-water mark decides what was read: a transaction that commits after a later journal id was
 * read would be skipped by one (the outbox readers' classic bug). Instead, whenever nothing is in flight the
 * whole journal is scanned from its start; while changes are in flight only ids above the highest read
 * are fetched, and at least once a second reading pauses until the in-flight changes are removed, so a
 * full scan picks up late committers even under constant load. Per-key order holds because two
 * transactions touching one row are serialised by its row lock: the later one's journal row is written
 * after the earlier one committed.
 */
public final class TriggerSource implements Source {

    public static final String APPLICATION_NAME = "pgcdc-trigger";
    static final String WAKE_UP_CHANNEL = "pgcdc_journal";

    private static final Logger log = LoggerFactory.getLogger(TriggerSource.class);
    private static final Duration FULL_SCAN_EVERY = Duration.ofSeconds(1);
    private static final String READ = """
            SELECT id, tx_id, changed_at, table_schema, table_name, op, old_row::text, new_row::text
            FROM pgcdc.journal WHERE id > ? ORDER BY id LIMIT ?""";

    private final TriggerCaptureConfig config;
    private final ListeningConnection listening;
    private final JournalDecoder decoder;
    private final Map<TableId, List<String>> primaryKeys = new HashMap<>();
    /** Ids read and not yet removed, in the order their events were sent. */
    private final ArrayDeque<Long> unconfirmed = new ArrayDeque<>();
    private long highestRead = Long.MIN_VALUE;
    private boolean moreWaiting = true;
    private long nextReadNanos;
    private long lastFullScanNanos = System.nanoTime();

    private TriggerSource(TriggerCaptureConfig config, ListeningConnection listening, DebeziumEnvelope envelope) {
        this.config = config;
        this.listening = listening;
        this.decoder = new JournalDecoder(envelope);
    }

    /**
     * Connects, LISTENs for wake-ups and checks the journal is installed.
     *
     * @throws CdcException when PostgreSQL cannot be reached or the journal is missing
     */
    public static TriggerSource open(DatabaseConfig database, TriggerCaptureConfig config) {
        ListeningConnection listening = ListeningConnection.open(database, APPLICATION_NAME, List.of(WAKE_UP_CHANNEL));
        try {
            Connection connection = listening.get(Duration.ZERO);
            String databaseName = Catalog.currentDatabase(connection);
            try (Statement statement = connection.createStatement();
                 ResultSet journal = statement.executeQuery("SELECT to_regclass('pgcdc.journal') IS NOT NULL")) {
                journal.next();
                if (!journal.getBoolean(1)) {
                    throw new CdcException(CdcException.Kind.CONFIGURATION, "no pgcdc journal in database '" + databaseName
                            + "': run `pgcdc setup --mode trigger --table SCHEMA.TABLE` first");
                }
            }
            DebeziumEnvelope envelope = new DebeziumEnvelope(config.topicPrefix(), databaseName, Version.VALUE, config.tombstones());
            return new TriggerSource(config, listening, envelope);
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
            if (!moreWaiting && !awaitWakeUp(connection, timeout)) {
                return List.of();
            }
            boolean fullScan = unconfirmed.isEmpty();
            if (!fullScan && System.nanoTime() - lastFullScanNanos > FULL_SCAN_EVERY.toNanos()) {
                // Let what is in flight be removed, so the next read can be a full scan (see class comment).
                moreWaiting = true;
                Thread.sleep(Math.min(5, Math.max(1, timeout.toMillis())));
                return List.of();
            }
            return read(connection, fullScan);
        } catch (SQLException e) {
            listening.failed(e, "reading the journal");
            moreWaiting = true;
            return List.of();
        }
    }

    @Override
    public void commit(Position position) {
        long confirmed = ((JournalPosition) position).id();
        List<Long> removable = new ArrayList<>();
        while (!unconfirmed.isEmpty()) {
            long id = unconfirmed.pollFirst();
            removable.add(id);
            if (id == confirmed) {
                break;
            }
        }
        if (removable.isEmpty()) {
            return;
        }
        try {
            Connection connection = listening.get(Duration.ofMillis(1));
            if (connection == null) {
                return; // still in the journal: the next full scan delivers them again (at-least-once)
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM pgcdc.journal WHERE id = ANY(?)")) {
                Array ids = connection.createArrayOf("bigint", removable.toArray());
                delete.setArray(1, ids);
                delete.executeUpdate();
            } catch (SQLException e) {
                listening.failed(e, "removing delivered changes from the journal");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        listening.close();
    }

    private boolean awaitWakeUp(Connection connection, Duration timeout) throws SQLException {
        long now = System.nanoTime();
        long untilScheduledRead = nextReadNanos - now;
        if (untilScheduledRead <= 0) {
            return true;
        }
        Duration wait = Duration.ofNanos(Math.min(untilScheduledRead, timeout.toNanos()));
        boolean wokenUp = listening.awaitNotifications(connection, wait).length > 0;
        return wokenUp || System.nanoTime() >= nextReadNanos;
    }

    private List<ChangeEvent> read(Connection connection, boolean fullScan) throws SQLException {
        long now = System.nanoTime();
        if (fullScan) {
            lastFullScanNanos = now;
        }
        List<JournalRow> rows = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(READ)) {
            query.setLong(1, fullScan ? Long.MIN_VALUE : highestRead);
            query.setInt(2, config.batchSize());
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(new JournalRow(result.getLong(1), result.getLong(2),
                            result.getObject(3, OffsetDateTime.class).toInstant(),
                            new TableId(result.getString(4), result.getString(5)),
                            result.getString(6).charAt(0), result.getString(7), result.getString(8)));
                }
            }
        }
        moreWaiting = rows.size() == config.batchSize();
        nextReadNanos = now + config.pollInterval().toNanos();
        long nowMillis = System.currentTimeMillis();
        List<ChangeEvent> events = new ArrayList<>(rows.size() + 8);
        for (JournalRow row : rows) {
            events.addAll(decoder.decode(row, keyColumns(connection, row.table()), nowMillis));
            unconfirmed.addLast(row.id());
            highestRead = Math.max(highestRead, row.id());
        }
        if (!rows.isEmpty()) {
            log.debug("Read {} journal row(s) ({} scan)", rows.size(), fullScan ? "full" : "incremental");
        }
        return events;
    }

    private List<String> keyColumns(Connection connection, TableId table) throws SQLException {
        List<String> known = primaryKeys.get(table);
        if (known == null) {
            known = Catalog.primaryKey(connection, table);
            primaryKeys.put(table, known);
            if (known.isEmpty()) {
                log.warn("Table {} has no primary key: its events carry a null key", table);
            }
        }
        return known;
    }
}
