package dev.pgcdc.snapshot;

import dev.pgcdc.Version;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.Catalog;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;
import dev.pgcdc.source.Source;
import dev.pgcdc.source.logical.LogicalSource;
import dev.pgcdc.source.logical.Lsn;
import dev.pgcdc.source.trigger.TriggerSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Opens a mode's source with the snapshot its {@link SnapshotMode} asks for: decides from the progress table
 * (and, in {@code logical} mode, from whether the slot exists yet) whether to start, resume or skip, records
 * the plan before the stream starts (in {@code logical} mode on a first start: before the slot is created),
 * then wraps the source in a {@link SnapshotSource}.
 */
public final class Snapshots {

    private static final Logger log = LoggerFactory.getLogger(Snapshots.class);
    private static final String APPLICATION_NAME = "pgcdc-snapshot";

    private Snapshots() {
    }

    /** A logical-mode source, with its snapshot when one is due. Needs PostgreSQL 14+ (logical messages in pgoutput). */
    public static Source logical(DatabaseConfig database, LogicalCaptureConfig config, SnapshotConfig snapshot) {
        return logical(database, config, snapshot, () -> LogicalSource.open(database, config), null);
    }

    /**
     * The exactly-once form of {@link #logical(DatabaseConfig, LogicalCaptureConfig, SnapshotConfig)}: resumes
     * the stream and the snapshot from {@code stored}, the position read from the offsets topic (null when
     * none). Kafka's record of the snapshot progress wins over {@code pgcdc.snapshot_progress}, which only
     * follows it (it is written after each Kafka commit).
     */
    public static Source logicalExactlyOnce(DatabaseConfig database, LogicalCaptureConfig config, SnapshotConfig snapshot, String stored) {
        StoredPosition resume = StoredPosition.parse(stored);
        return logical(database, config, snapshot,
                () -> LogicalSource.open(database, config, resume.stream() == null ? Lsn.ZERO : Lsn.parse(resume.stream())),
                resume.progress());
    }

    /** The exactly-once form of {@link #trigger}, resumed from {@code stored} as {@link #logicalExactlyOnce} is. */
    public static Source triggerExactlyOnce(DatabaseConfig database, TriggerCaptureConfig config, SnapshotConfig snapshot, String stored) {
        StoredPosition resume = StoredPosition.parse(stored);
        return trigger(database, config, snapshot, () -> TriggerSource.openExactlyOnce(database, config, resume.stream()), resume.progress());
    }

    private static Source logical(DatabaseConfig database, LogicalCaptureConfig config, SnapshotConfig snapshot,
                                  Supplier<Source> openStream, Map<TableId, TableProgress> inKafka) {
        String capture = "logical:" + config.slot();
        boolean firstStart;
        boolean planned = false;
        Plan firstPlan = null;
        try (Connection connection = PostgresConnections.open(database, APPLICATION_NAME)) {
            firstStart = !slotExists(connection, config.slot());
            if (firstStart) {
                // Recorded before the slot exists: a later start finds the slot and takes the run for a later
                // one, so a kill between the slot's creation and this record would skip the snapshot for good.
                try {
                    firstPlan = plan(connection, capture, publishedTables(connection, config.publication()), true, snapshot.mode(), inKafka);
                    planned = true;
                } catch (SQLException | CdcException e) {
                    // Planned again below, once the source's own checks (privileges, keys, server settings),
                    // whose messages say more, have passed; the same failure then stops capture.
                    log.debug("Snapshot plan deferred until the source is open: {}", e.getMessage());
                }
            }
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "preparing the snapshot");
        }
        Source stream = openStream.get();
        try (Connection connection = PostgresConnections.open(database, APPLICATION_NAME)) {
            Plan plan = planned ? firstPlan
                    : plan(connection, capture, publishedTables(connection, config.publication()), firstStart, snapshot.mode(), inKafka);
            requireLogicalMessages(connection, plan);
            DebeziumEnvelope envelope = new DebeziumEnvelope(config.topicPrefix(), Catalog.currentDatabase(connection), Version.VALUE,
                    config.tombstones());
            return wrap(stream, capture, plan, connection, database, envelope, snapshot, HighWatermark.LOGICAL_MESSAGE);
        } catch (SQLException e) {
            stream.close();
            throw PostgresErrors.describe(e, database, "preparing the snapshot");
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    private static void requireLogicalMessages(Connection connection, Plan plan) throws SQLException {
        if (plan != null && serverVersion(connection) < 140000) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "snapshots in logical mode need PostgreSQL 14 or later"
                    + " (watermarks travel as logical messages); start with --snapshot no_data, or use --mode trigger");
        }
    }

    /** A trigger-mode source, with its snapshot when one is due. */
    public static Source trigger(DatabaseConfig database, TriggerCaptureConfig config, SnapshotConfig snapshot) {
        return trigger(database, config, snapshot, () -> TriggerSource.open(database, config), null);
    }

    private static Source trigger(DatabaseConfig database, TriggerCaptureConfig config, SnapshotConfig snapshot,
                                  Supplier<Source> openStream, Map<TableId, TableProgress> inKafka) {
        Source stream = openStream.get();
        try (Connection connection = PostgresConnections.open(database, APPLICATION_NAME)) {
            List<TableId> tables = triggerTables(connection);
            boolean firstStart = (inKafka == null || inKafka.isEmpty())
                    && (!ProgressStore.installed(connection) || new ProgressStore("trigger").load(connection).isEmpty());
            Plan plan = plan(connection, "trigger", tables, firstStart, snapshot.mode(), inKafka);
            DebeziumEnvelope envelope = new DebeziumEnvelope(config.topicPrefix(), Catalog.currentDatabase(connection), Version.VALUE,
                    config.tombstones());
            return wrap(stream, "trigger", plan, connection, database, envelope, snapshot, HighWatermark.JOURNAL_ROW);
        } catch (SQLException e) {
            stream.close();
            throw PostgresErrors.describe(e, database, "preparing the snapshot");
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    private record Plan(ProgressStore store, Map<TableId, TableProgress> start, boolean resumed, Map<TableId, Long> estimates) {
    }

    private static Source wrap(Source stream, String capture, Plan plan, Connection connection, DatabaseConfig database,
                               DebeziumEnvelope envelope, SnapshotConfig snapshot, HighWatermark watermark) throws SQLException {
        if (plan == null && snapshot.mode() == SnapshotMode.INITIAL_ONLY) {
            return new FinishedSource(stream);
        }
        // Wrapped even with nothing to snapshot now: on-demand requests (pgcdc snapshot) arrive through the stream.
        ProgressStore store = plan == null ? new ProgressStore(capture) : plan.store();
        List<OnDemandRequest> onDemand = ProgressStore.installed(connection) ? store.loadOnDemand(connection) : List.of();
        return plan == null
                ? new SnapshotSource(stream, database, envelope, store, Map.of(), false, snapshot, watermark, Map.of(), onDemand)
                : new SnapshotSource(stream, database, envelope, plan.store(), plan.start(), plan.resumed(), snapshot, watermark,
                        plan.estimates(), onDemand);
    }

    /**
     * Decides, and records a new plan before the stream starts; null when there is nothing to snapshot.
     * {@code inKafka} is the progress exactly-once capture committed with its last Kafka transaction: when
     * there is one, it is the truth (the table may lag behind it), else the table is.
     */
    private static Plan plan(Connection connection, String capture, List<TableId> tables, boolean firstStart, SnapshotMode mode,
                             Map<TableId, TableProgress> inKafka) throws SQLException {
        ProgressStore store = new ProgressStore(capture);
        Map<TableId, TableProgress> recorded = inKafka != null && !inKafka.isEmpty() ? inKafka
                : ProgressStore.installed(connection) ? store.load(connection) : Map.of();
        SnapshotMode.Recorded state = recorded.isEmpty() ? SnapshotMode.Recorded.NOTHING
                : recorded.values().stream().allMatch(TableProgress::done) ? SnapshotMode.Recorded.FINISHED : SnapshotMode.Recorded.UNFINISHED;
        if (recorded == inKafka) {
            ProgressStore.install(connection);
            store.save(connection, inKafka); // the table catches up with what Kafka committed
        }
        SnapshotMode.Decision decision = mode.decide(firstStart, state);
        if (state == SnapshotMode.Recorded.UNFINISHED) {
            ProgressStore.install(connection); // an older table gains the column that says why it does not run
            store.notRunning(connection, decision == SnapshotMode.Decision.SKIP ? "capture runs with --snapshot " + mode.flag() : null);
        }
        if (decision == SnapshotMode.Decision.SKIP) {
            return null;
        }
        ProgressStore.install(connection);
        if (decision == SnapshotMode.Decision.START_NEW) {
            for (TableId table : tables) {
                if (Catalog.primaryKey(connection, table).isEmpty()) {
                    throw KeysetChunks.noPrimaryKey(table);
                }
            }
            store.plan(connection, tables);
            recorded = store.load(connection);
        }
        return new Plan(store, recorded, decision == SnapshotMode.Decision.RESUME, estimates(connection, recorded.keySet()));
    }

    private static Map<TableId, Long> estimates(Connection connection, Iterable<TableId> tables) throws SQLException {
        Map<TableId, Long> estimates = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
            for (TableId table : tables) {
                query.setString(1, table.quoted());
                try (ResultSet rows = query.executeQuery()) {
                    estimates.put(table, rows.next() ? rows.getLong(1) : 0L);
                }
            }
        }
        return estimates;
    }

    private static boolean slotExists(Connection connection, String slot) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    static List<TableId> publishedTables(Connection connection, String publication) throws SQLException {
        return tables(connection, "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ? ORDER BY 1, 2", publication);
    }

    static List<TableId> triggerTables(Connection connection) throws SQLException {
        return tables(connection, """
                SELECT DISTINCT c.relnamespace::regnamespace::name, c.relname
                FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE t.tgname = ? ORDER BY 1, 2""", "pgcdc_capture");
    }

    private static List<TableId> tables(Connection connection, String sql, String parameter) throws SQLException {
        List<TableId> tables = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.add(new TableId(rows.getString(1), rows.getString(2)));
                }
            }
        }
        return tables;
    }

    private static int serverVersion(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SHOW server_version_num"); ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
