package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.Catalog;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Creates, changes and removes the logical mode's publication and slot. Tables are only ever added to a
 * publication by {@link #install}: replacing its list would silently stop capturing the tables left out.
 */
public final class LogicalSetup {

    private static final CdcException.Kind CONFIG = CdcException.Kind.CONFIGURATION;

    private LogicalSetup() {
    }

    /**
     * What {@link #install} or {@link #removeTables} left: the tables published now (empty for all tables),
     * those it changed, those it set to REPLICA IDENTITY FULL, and warnings for the user (one line each).
     */
    public record Publication(List<TableId> published, List<TableId> changed, List<TableId> madeFull, List<String> warnings) {
    }

    /**
     * Adds {@code tables} to {@code publication} (created when missing), or creates it for all tables;
     * optionally with REPLICA IDENTITY FULL on the tables it names (every published table for all tables),
     * so updates and deletes carry the whole old row: the before image changelog consumers (Flink SQL's
     * debezium-json) need for every update. Idempotent; tables already published stay, and so do the others;
     * a table already FULL is left alone (the ALTER takes an exclusive lock).
     */
    public static Publication install(DatabaseConfig database, String publication, List<TableId> tables, boolean allTables,
                                      boolean replicaIdentityFull) {
        if (allTables == !tables.isEmpty()) {
            throw new CdcException(CONFIG, "name the tables to capture: --table SCHEMA.TABLE (repeatable) or --all-tables, not both");
        }
        try (Connection connection = PostgresConnections.open(database, "pgcdc-setup")) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                SlotProgress.install(statement);
                for (TableId table : tables) {
                    Catalog.requireTable(connection, table);
                }
                Boolean existingAllTables = publishesAllTables(connection, publication);
                String name = PostgresConnections.quoteIdentifier(publication);
                List<TableId> added = new ArrayList<>(tables);
                if (existingAllTables == null) {
                    statement.execute("CREATE PUBLICATION " + name + (allTables ? " FOR ALL TABLES" : " FOR TABLE " + quoted(tables)));
                } else if (existingAllTables != allTables) {
                    throw new CdcException(CONFIG, "publication '" + publication + "' exists "
                            + (existingAllTables ? "FOR ALL TABLES" : "for a list of tables")
                            + ": drop it (pgcdc teardown --mode logical) or use another --publication");
                } else if (!allTables) {
                    added.removeAll(publishedTables(connection, publication));
                    if (!added.isEmpty()) {
                        statement.execute("ALTER PUBLICATION " + name + " ADD TABLE " + quoted(added));
                    }
                }
                List<TableId> madeFull = new ArrayList<>();
                if (replicaIdentityFull) {
                    for (TableId table : allTables ? publishedTables(connection, publication) : tables) {
                        if (!hasFullIdentity(connection, table)) {
                            statement.execute("ALTER TABLE " + table.quoted() + " REPLICA IDENTITY FULL");
                            madeFull.add(table);
                        }
                    }
                }
                List<String> warnings = new ArrayList<>();
                walLevelWarning(connection).ifPresent(warnings::add);
                warnings.addAll(unkeyableWarnings(connection, publication));
                List<TableId> published = allTables ? List.of() : publishedTables(connection, publication);
                connection.commit();
                return new Publication(published, added, madeFull, warnings);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "creating publication '" + publication + "'");
        }
    }

    /**
     * Takes {@code tables} out of {@code publication}. While a replication slot exists in the database a
     * capture may be streaming from it, so this refuses unless {@code force}; with it, the warnings say what
     * stops being captured. Tables the publication does not hold are reported, not an error.
     */
    public static Publication removeTables(DatabaseConfig database, String publication, List<TableId> tables, boolean force) {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-setup")) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                Boolean allTables = publishesAllTables(connection, publication);
                if (allTables == null) {
                    throw new CdcException(CONFIG, "publication '" + publication + "' does not exist: nothing to remove");
                }
                if (allTables) {
                    throw new CdcException(CONFIG, "publication '" + publication + "' is FOR ALL TABLES, so single tables "
                            + "cannot leave it: recreate it with --table for the tables you want (teardown, then setup)");
                }
                List<TableId> removed = new ArrayList<>(tables);
                removed.retainAll(publishedTables(connection, publication));
                List<String> warnings = new ArrayList<>();
                if (!removed.isEmpty()) {
                    List<String> slots = slotsOfThisDatabase(connection);
                    if (!slots.isEmpty() && !force) {
                        throw new CdcException(CONFIG, "removing " + removed + " from publication '" + publication
                                + "' stops capturing their changes while replication slot " + slots + " exists: "
                                + "pass --force to remove them anyway");
                    }
                    statement.execute("ALTER PUBLICATION " + PostgresConnections.quoteIdentifier(publication)
                            + " DROP TABLE " + quoted(removed));
                    if (!slots.isEmpty()) {
                        warnings.add("changes to " + removed + " are no longer captured from now on (slot " + slots
                                + " keeps streaming the other tables); add them back with setup --table");
                    }
                }
                List<TableId> published = publishedTables(connection, publication);
                connection.commit();
                return new Publication(published, removed, List.of(), warnings);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "changing publication '" + publication + "'");
        }
    }

    /**
     * Drops the slot (refusing while a process streams from it, and refusing a slot that is not pgcdc's
     * unless {@code force}) and the publication; missing ones are fine.
     */
    public static void teardown(DatabaseConfig database, String slot, String publication, boolean force) {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-setup");
             Statement statement = connection.createStatement()) {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT active, active_pid, plugin, database, database = current_database() FROM pg_replication_slots WHERE slot_name = ?")) {
                query.setString(1, slot);
                try (ResultSet found = query.executeQuery()) {
                    if (found.next()) {
                        if (found.getBoolean(1)) {
                            throw new CdcException(CONFIG, "replication slot '" + slot + "' is in use by "
                                    + SlotHolder.describe(connection, found.getInt(2)) + ": stop that capture first");
                        }
                        if (!force && (!"pgoutput".equals(found.getString(3)) || !found.getBoolean(5))) {
                            throw new CdcException(CONFIG, "replication slot '" + slot + "' is not pgcdc's (plugin "
                                    + found.getString(3) + ", database " + found.getString(4)
                                    + "): name pgcdc's slot with --slot, or pass --force to drop it anyway");
                        }
                    }
                }
            }
            try (PreparedStatement drop = connection.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                drop.setString(1, slot);
                drop.execute();
            }
            statement.execute("DROP PUBLICATION IF EXISTS " + PostgresConnections.quoteIdentifier(publication));
            SlotProgress.forget(connection, slot);
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "removing slot '" + slot + "' and publication '" + publication + "'");
        }
    }

    /** Drops pgcdc's slot and the publication; see {@link #teardown(DatabaseConfig, String, String, boolean)}. */
    public static void teardown(DatabaseConfig database, String slot, String publication) {
        teardown(database, slot, publication, false);
    }

    /**
     * What {@code pgcdc status} shows of a slot. {@code holder} describes the streaming client, or is null;
     * {@code confirmedBehind}: WAL written since the confirmed position; {@code secondsSinceStatus}: when the
     * capture last sent a status update, null when none streams; {@code secondsSinceAdvanced}: when capture
     * last saw the confirmed position move, null when not recorded.
     */
    public record SlotStatus(String slot, String database, boolean active, Integer activePid, String holder,
                             String confirmedFlushLsn, long retainedWalBytes, String retainedWal,
                             String confirmedBehind, long confirmedBehindBytes, Double secondsSinceStatus,
                             Double secondsSinceAdvanced) {
    }

    /** The slot's state and the WAL it keeps from being removed; null when it does not exist. */
    public static SlotStatus slotStatus(DatabaseConfig database, String slot) {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-status");
             PreparedStatement query = connection.prepareStatement("""
                     SELECT active, active_pid, confirmed_flush_lsn::text,
                            pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint,
                            pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)),
                            pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)),
                            (SELECT extract(epoch FROM now() - r.reply_time)::float8 FROM pg_stat_replication r WHERE r.pid = s.active_pid),
                            database,
                            pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint
                     FROM pg_replication_slots s WHERE slot_name = ?""")) {
            query.setString(1, slot);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                int pid = rows.getInt(2);
                Integer activePid = rows.wasNull() ? null : pid;
                boolean active = rows.getBoolean(1);
                double sinceStatus = rows.getDouble(7);
                Double secondsSinceStatus = rows.wasNull() ? null : sinceStatus;
                return new SlotStatus(slot, rows.getString(8), active, activePid,
                        active && activePid != null ? SlotHolder.describe(connection, activePid) : null,
                        rows.getString(3), rows.getLong(4), rows.getString(5), rows.getString(6), rows.getLong(9), secondsSinceStatus,
                        SlotProgress.secondsSinceAdvanced(connection, slot));
            }
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "reading the state of slot '" + slot + "'");
        }
    }

    /**
     * Published tables without a primary key or replica identity: capture refuses to start on them, so
     * {@code status} names them. Empty when the publication does not exist.
     */
    public static List<String> tablesWithoutKey(DatabaseConfig database, String publication) {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-status")) {
            return LogicalPreflight.unkeyableTables(connection, publication);
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "reading the keys of publication '" + publication + "'");
        }
    }

    /** null when the publication does not exist. */
    static Boolean publishesAllTables(Connection connection, String publication) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT puballtables FROM pg_publication WHERE pubname = ?")) {
            query.setString(1, publication);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getBoolean(1) : null;
            }
        }
    }

    static boolean publishesAnyTable(Connection connection, String publication) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = ?)")) {
            query.setString(1, publication);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static List<TableId> publishedTables(Connection connection, String publication) throws SQLException {
        List<TableId> tables = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ? ORDER BY 1, 2")) {
            query.setString(1, publication);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.add(new TableId(rows.getString(1), rows.getString(2)));
                }
            }
        }
        return tables;
    }

    private static boolean hasFullIdentity(Connection connection, TableId table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT relreplident = 'f' FROM pg_class WHERE oid = to_regclass(?)")) {
            query.setString(1, table.quoted());
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    private static List<String> slotsOfThisDatabase(Connection connection) throws SQLException {
        List<String> slots = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT slot_name FROM pg_replication_slots "
                     + "WHERE database = current_database() AND plugin = 'pgoutput' ORDER BY 1")) {
            while (rows.next()) {
                slots.add(rows.getString(1));
            }
        }
        return slots;
    }

    private static Optional<String> walLevelWarning(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SHOW wal_level")) {
            rows.next();
            String level = rows.getString(1);
            return level.equals("logical") ? Optional.empty() : Optional.of("wal_level is '" + level
                    + "', so capture --mode logical will refuse to start: run ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL");
        }
    }

    /** One warning per published table whose updates and deletes PostgreSQL cannot replicate. */
    private static List<String> unkeyableWarnings(Connection connection, String publication) throws SQLException {
        List<String> warnings = new ArrayList<>();
        for (String table : LogicalPreflight.unkeyableTables(connection, publication)) {
            warnings.add("table " + table + " has no primary key and no replica identity: PostgreSQL will refuse "
                    + "UPDATE and DELETE on it while it is published, and capture will not start; add a primary key "
                    + "or run ALTER TABLE " + table + " REPLICA IDENTITY FULL (or setup without --replica-identity default)");
        }
        return warnings;
    }

    private static String quoted(List<TableId> tables) {
        return tables.stream().map(TableId::quoted).collect(Collectors.joining(", "));
    }
}
