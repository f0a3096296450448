package dev.pgcdc.source.logical;

import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.error.CdcException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before streaming, everything that would otherwise fail later or obscurely, and says how to fix
 * it in one line: wal_level, the REPLICATION attribute, the publication, the slot, replica identities.
 */
final class LogicalPreflight {

    private static final CdcException.Kind CONFIG = CdcException.Kind.CONFIGURATION;

    private LogicalPreflight() {
    }

    /** @return whether the slot already exists */
    static boolean check(Connection connection, LogicalCaptureConfig config) throws SQLException {
        String walLevel = single(connection, "SHOW wal_level");
        if (!walLevel.equals("logical")) {
            throw new CdcException(CONFIG, "wal_level is '" + walLevel + "' but logical capture needs 'logical': run "
                    + "ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL");
        }
        if (!single(connection, "SELECT (rolreplication OR rolsuper)::text FROM pg_roles WHERE rolname = current_user").equals("true")) {
            String role = single(connection, "SELECT current_user");
            throw new CdcException(CONFIG, "role '" + role + "' lacks the REPLICATION attribute: run ALTER ROLE "
                    + role + " REPLICATION; as a superuser");
        }
        Boolean allTables = LogicalSetup.publishesAllTables(connection, config.publication());
        if (allTables == null) {
            throw new CdcException(CONFIG, "publication '" + config.publication() + "' does not exist: run "
                    + "pgcdc setup --mode logical --table SCHEMA.TABLE (or --all-tables)");
        }
        if (!LogicalSetup.publishesAnyTable(connection, config.publication())) {
            throw new CdcException(CONFIG, "publication '" + config.publication() + "' has no tables: run "
                    + "pgcdc setup --mode logical --table SCHEMA.TABLE");
        }
        List<String> unkeyable = unkeyableTables(connection, config.publication());
        if (!unkeyable.isEmpty()) {
            String first = unkeyable.get(0);
            throw new CdcException(CONFIG, "table " + first + (unkeyable.size() > 1 ? " (and " + (unkeyable.size() - 1) + " more)" : "")
                    + " has no primary key and no replica identity, so its updates and deletes cannot be captured: "
                    + "add a primary key or run ALTER TABLE " + first + " REPLICA IDENTITY FULL");
        }
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT active, active_pid, plugin, database = current_database() FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, config.slot());
            try (ResultSet slot = query.executeQuery()) {
                if (slot.next()) {
                    if (slot.getBoolean(1)) {
                        throw new CdcException(CONFIG, "replication slot '" + config.slot() + "' is in use by "
                                + SlotHolder.describe(connection, slot.getInt(2)) + ": stop that capture, or pass --slot with another name");
                    }
                    if (!"pgoutput".equals(slot.getString(3)) || !slot.getBoolean(4)) {
                        throw new CdcException(CONFIG, "replication slot '" + config.slot() + "' belongs to another "
                                + "plugin or database: pass --slot with another name");
                    }
                    return true;
                }
            }
        }
        int free = Integer.parseInt(single(connection,
                "SELECT (current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots))::text"));
        if (free <= 0) {
            throw new CdcException(CONFIG, "no free replication slot (max_replication_slots = "
                    + single(connection, "SHOW max_replication_slots") + ", all in use): drop an unused slot "
                    + "(SELECT pg_drop_replication_slot('name')) or raise max_replication_slots and restart PostgreSQL");
        }
        return false;
    }

    /** Published tables with no primary key and no replica identity: PostgreSQL cannot replicate their updates and deletes. */
    static List<String> unkeyableTables(Connection connection, String publication) throws SQLException {
        List<String> unkeyable = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT format('%I.%I', p.schemaname, p.tablename)
                FROM pg_publication_tables p
                JOIN pg_namespace n ON n.nspname = p.schemaname
                JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = p.tablename
                WHERE p.pubname = ?
                  AND (c.relreplident IN ('d', 'n') AND NOT EXISTS (
                           SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
                       OR c.relreplident = 'n')
                ORDER BY 1""")) {
            query.setString(1, publication);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    unkeyable.add(rows.getString(1));
                }
            }
        }
        return unkeyable;
    }

    /**
     * Published tables whose REPLICA IDENTITY is not FULL, as {@code schema.table}: their updates carry no
     * before image (only the key, and only when it changes), and their unchanged TOASTed values are missing.
     */
    static List<String> tablesWithoutBeforeImages(Connection connection, String publication) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT format('%I.%I', p.schemaname, p.tablename)
                FROM pg_publication_tables p
                JOIN pg_namespace n ON n.nspname = p.schemaname
                JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = p.tablename
                WHERE p.pubname = ? AND c.relreplident <> 'f'
                ORDER BY 1""")) {
            query.setString(1, publication);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
        }
        return tables;
    }

    /** The capture log's warning for a table listed by {@link #tablesWithoutBeforeImages}. */
    static String noBeforeImageWarning(String table) {
        return "updates of " + table + " carry no before image; Flink SQL and other changelog consumers need it: "
                + "run setup again or ALTER TABLE " + table + " REPLICA IDENTITY FULL";
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
