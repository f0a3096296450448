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
import java.util.List;
import java.util.stream.Collectors;

/** Creates and removes the logical mode's publication and slot. */
public final class LogicalSetup {

    private LogicalSetup() {
    }

    /**
     * Makes {@code publication} publish exactly {@code tables} (or all tables), optionally with REPLICA
     * IDENTITY FULL on them so updates and deletes carry the whole old row. Idempotent.
     */
    public static void install(DatabaseConfig database, String publication, List<TableId> tables, boolean allTables,
                               boolean replicaIdentityFull) {
        if (allTables == !tables.isEmpty()) {
            throw new CdcException(CdcException.Kind.CONFIGURATION,
                    "name the tables to capture: --table SCHEMA.TABLE (repeatable) or --all-tables, not both");
        }
        try (Connection connection = PostgresConnections.open(database, "pgcdc-setup")) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (TableId table : tables) {
                    Catalog.requireTable(connection, table);
                    if (replicaIdentityFull) {
                        statement.execute("ALTER TABLE " + table.quoted() + " REPLICA IDENTITY FULL");
                    }
                }
                Boolean existingAllTables = publishesAllTables(connection, publication);
                String name = PostgresConnections.quoteIdentifier(publication);
                String list = tables.stream().map(TableId::quoted).collect(Collectors.joining(", "));
                if (existingAllTables == null) {
                    statement.execute("CREATE PUBLICATION " + name + (allTables ? " FOR ALL TABLES" : " FOR TABLE " + list));
                } else if (existingAllTables != allTables) {
                    throw new CdcException(CdcException.Kind.CONFIGURATION, "publication '" + publication + "' exists "
                            + (existingAllTables ? "FOR ALL TABLES" : "for a list of tables")
                            + ": drop it (pgcdc teardown --mode logical) or use another --publication");
                } else if (!allTables) {
                    statement.execute("ALTER PUBLICATION " + name + " SET TABLE " + list);
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "creating publication '" + publication + "'");
        }
    }

    /** Drops the slot (refusing while a process streams from it) and the publication; missing ones are fine. */
    public static void teardown(DatabaseConfig database, String slot, String publication) {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-setup");
             Statement statement = connection.createStatement()) {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
                query.setString(1, slot);
                try (ResultSet active = query.executeQuery()) {
                    if (active.next()) {
                        throw new CdcException(CdcException.Kind.CONFIGURATION, "replication slot '" + slot
                                + "' is in use by process " + active.getInt(1) + ": stop that capture first");
                    }
                }
            }
            try (PreparedStatement drop = connection.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                drop.setString(1, slot);
                drop.execute();
            }
            statement.execute("DROP PUBLICATION IF EXISTS " + PostgresConnections.quoteIdentifier(publication));
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "removing slot '" + slot + "' and publication '" + publication + "'");
        }
    }

    /**
     * What {@code pgcdc status} shows of a slot. {@code confirmedBehind}: WAL written since the confirmed
     * position; {@code secondsSinceStatus}: when the capture last sent a status update, null when none streams.
     */
    public record SlotStatus(String slot, boolean active, Integer activePid, String confirmedFlushLsn, long retainedWalBytes,
                             String retainedWal, String confirmedBehind, Double secondsSinceStatus) {
    }

    /** The slot's state and the WAL it keeps from being removed; null when it does not exist. */
    public static SlotStatus slotStatus(DatabaseConfig database, String slot) {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-status");
             PreparedStatement query = connection.prepareStatement("""
                     SELECT active, active_pid, confirmed_flush_lsn::text,
                            pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint,
                            pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)),
                            pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)),
                            (SELECT extract(epoch FROM now() - r.reply_time)::float8 FROM pg_stat_replication r WHERE r.pid = s.active_pid)
                     FROM pg_replication_slots s WHERE slot_name = ?""")) {
            query.setString(1, slot);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                int pid = rows.getInt(2);
                boolean noPid = rows.wasNull();
                double sinceStatus = rows.getDouble(7);
                return new SlotStatus(slot, rows.getBoolean(1), noPid ? null : pid, rows.getString(3),
                        rows.getLong(4), rows.getString(5), rows.getString(6), rows.wasNull() ? null : sinceStatus);
            }
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "reading the state of slot '" + slot + "'");
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
}
