package dev.pgcdc.source.trigger;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.Catalog;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;
import dev.pgcdc.source.SqlScripts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs and removes the trigger mode's objects: schema {@code pgcdc} with the journal and the two trigger
 * functions, and triggers {@code pgcdc_capture} / {@code pgcdc_capture_truncate} on each captured table.
 * User tables and their data are never touched.
 */
public final class JournalSchema {

    static final String ROW_TRIGGER = "pgcdc_capture";
    static final String TRUNCATE_TRIGGER = "pgcdc_capture_truncate";
    private static final String INSTALL_SCRIPT = "journal-install.sql";

    private JournalSchema() {
    }

    /** What {@link #install} did to one table. */
    public record Installed(TableId table, boolean hasPrimaryKey) {
    }

    /**
     * Installs the journal (idempotent) and attaches the triggers to {@code tables}, all in one transaction.
     *
     * @throws CdcException naming the first table that does not exist
     */
    public static List<Installed> install(DatabaseConfig database, List<TableId> tables) {
        if (tables.isEmpty()) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "name the tables to capture: --table SCHEMA.TABLE (repeatable)");
        }
        String script = SqlScripts.load(JournalSchema.class, INSTALL_SCRIPT);
        try (Connection connection = PostgresConnections.open(database, "pgcdc-setup")) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute(script);
                List<Installed> installed = new ArrayList<>();
                for (TableId table : tables) {
                    Catalog.requireTable(connection, table);
                    statement.execute("DROP TRIGGER IF EXISTS " + ROW_TRIGGER + " ON " + table.quoted());
                    statement.execute("CREATE TRIGGER " + ROW_TRIGGER + " AFTER INSERT OR UPDATE OR DELETE ON "
                            + table.quoted() + " FOR EACH ROW EXECUTE FUNCTION pgcdc.journal_row_change()");
                    statement.execute("DROP TRIGGER IF EXISTS " + TRUNCATE_TRIGGER + " ON " + table.quoted());
                    statement.execute("CREATE TRIGGER " + TRUNCATE_TRIGGER + " AFTER TRUNCATE ON "
                            + table.quoted() + " FOR EACH STATEMENT EXECUTE FUNCTION pgcdc.journal_truncate()");
                    installed.add(new Installed(table, !Catalog.primaryKey(connection, table).isEmpty()));
                }
                connection.commit();
                return installed;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "installing the trigger-mode journal");
        }
    }

    /**
     * Takes {@code tables} out of the capture: drops their pgcdc triggers. Their changes already in the
     * journal are still delivered; later ones are not captured, so this refuses unless {@code force}.
     *
     * @return the tables that were captured and no longer are (others given are ignored)
     */
    public static List<TableId> removeTables(DatabaseConfig database, List<TableId> tables, boolean force) {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-setup")) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                List<TableId> removed = new ArrayList<>(tables);
                removed.retainAll(capturedTables(connection));
                if (!removed.isEmpty() && !force) {
                    throw new CdcException(CdcException.Kind.CONFIGURATION, "removing " + removed
                            + " stops capturing their changes (the journal keeps recording the other tables): "
                            + "pass --force to remove them anyway");
                }
                for (TableId table : removed) {
                    statement.execute("DROP TRIGGER IF EXISTS " + ROW_TRIGGER + " ON " + table.quoted());
                    statement.execute("DROP TRIGGER IF EXISTS " + TRUNCATE_TRIGGER + " ON " + table.quoted());
                }
                connection.commit();
                return removed;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "removing tables from the trigger-mode capture");
        }
    }

    /**
     * Removes every pgcdc trigger and the {@code pgcdc} schema. Refuses while the journal still holds
     * undelivered changes, unless {@code force}.
     *
     * @return the tables whose triggers were removed
     */
    public static List<TableId> teardown(DatabaseConfig database, boolean force) {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-setup")) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                long pending = pendingChanges(connection);
                if (pending > 0 && !force) {
                    throw new CdcException(CdcException.Kind.CONFIGURATION, "the journal still holds " + pending
                            + " undelivered change(s): run capture until it is empty, or pass --force to drop them");
                }
                List<TableId> tables = new ArrayList<>();
                List<String> drops = new ArrayList<>();
                try (ResultSet triggers = statement.executeQuery("""
                        SELECT c.relnamespace::regnamespace::name, c.relname, t.tgname
                        FROM pg_trigger t
                        JOIN pg_class c ON c.oid = t.tgrelid
                        JOIN pg_proc p ON p.oid = t.tgfoid
                        JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname = 'pgcdc' AND c.relnamespace <> n.oid""")) {
                    while (triggers.next()) {
                        TableId table = new TableId(triggers.getString(1), triggers.getString(2));
                        drops.add("DROP TRIGGER \"" + triggers.getString(3) + "\" ON " + table.quoted());
                        if (!tables.contains(table)) {
                            tables.add(table);
                        }
                    }
                }
                for (String drop : drops) {
                    statement.execute(drop);
                }
                statement.execute("DROP SCHEMA IF EXISTS pgcdc CASCADE");
                connection.commit();
                return tables;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "removing the trigger-mode journal");
        }
    }

    /**
     * What {@code pgcdc status} shows of the journal: waiting changes and the age of the oldest, in seconds;
     * whether a trigger-mode capture is connected to drain it; captured tables without a primary key, whose
     * changes carry no Kafka key.
     */
    public record Backlog(long pendingChanges, Double oldestAgeSeconds, boolean captureConnected, List<TableId> tablesWithoutKey) {
    }

    /** The journal's backlog; null when the trigger mode is not installed. */
    public static Backlog backlog(DatabaseConfig database) {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-status");
             Statement statement = connection.createStatement()) {
            try (ResultSet installed = statement.executeQuery("SELECT to_regclass('pgcdc.journal') IS NOT NULL")) {
                installed.next();
                if (!installed.getBoolean(1)) {
                    return null;
                }
            }
            long pending;
            Double oldestAge;
            try (ResultSet rows = statement.executeQuery(
                    "SELECT count(*), extract(epoch FROM clock_timestamp() - min(changed_at))::float8 FROM pgcdc.journal")) {
                rows.next();
                pending = rows.getLong(1);
                double age = rows.getDouble(2);
                oldestAge = rows.wasNull() ? null : age;
            }
            boolean connected;
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE application_name LIKE ? AND datname = current_database())")) {
                // a capture that skipped truncates says so in its application_name (SkippedTruncates)
                query.setString(1, TriggerSource.APPLICATION_NAME + "%");
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    connected = rows.getBoolean(1);
                }
            }
            List<TableId> withoutKey = new ArrayList<>();
            for (TableId table : capturedTables(connection)) {
                if (!hasPrimaryKey(connection, table)) {
                    withoutKey.add(table);
                }
            }
            return new Backlog(pending, oldestAge, connected, withoutKey);
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "reading the journal backlog");
        }
    }

    private static boolean hasPrimaryKey(Connection connection, TableId table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT EXISTS (SELECT FROM pg_index WHERE indrelid = ?::regclass AND indisprimary)")) {
            query.setString(1, table.quoted());
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    /** The tables that currently carry pgcdc's row trigger. */
    static List<TableId> capturedTables(Connection connection) throws SQLException {
        List<TableId> tables = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT c.relnamespace::regnamespace::name, c.relname
                FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE t.tgname = ? ORDER BY 1, 2""")) {
            query.setString(1, ROW_TRIGGER);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.add(new TableId(rows.getString(1), rows.getString(2)));
                }
            }
        }
        return tables;
    }

    /**
     * Fails with a one-line message when the journal is missing, or was installed by a pgcdc older than its
     * table oids and the wake-up.
     */
    static void requireCurrent(Connection connection, String databaseName) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet journal = statement.executeQuery("""
                     SELECT to_regclass('pgcdc.journal') IS NOT NULL,
                            EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass('pgcdc.journal') AND attname = 'table_oid')
                              AND to_regprocedure('pgcdc.take_wakeup_lock(int)') IS NOT NULL
                              AND EXISTS (SELECT FROM pg_trigger WHERE tgrelid = to_regclass('pgcdc.journal')
                                            AND tgname = 'journal_wake_capture')""")) {
            journal.next();
            if (!journal.getBoolean(1)) {
                throw new CdcException(CdcException.Kind.CONFIGURATION, "no pgcdc journal in database '" + databaseName
                        + "': run `pgcdc setup --mode trigger --table SCHEMA.TABLE` first");
            }
            if (!journal.getBoolean(2)) {
                throw new CdcException(CdcException.Kind.CONFIGURATION, "the pgcdc journal in database '" + databaseName
                        + "' was installed by an older pgcdc: run `pgcdc setup --mode trigger --table SCHEMA.TABLE` again"
                        + " (pending changes are kept)");
            }
        }
    }

    private static long pendingChanges(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            try (ResultSet exists = statement.executeQuery("SELECT to_regclass('pgcdc.journal') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    return 0;
                }
            }
            try (ResultSet count = statement.executeQuery("SELECT count(*) FROM pgcdc.journal")) {
                count.next();
                return count.getLong(1);
            }
        }
    }

}
