package dev.pgcdc.snapshot;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.Catalog;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Tables {@code setup} adds to a capture that has already started get their existing rows the way an
 * initial snapshot would have sent them: setup asks for an on-demand snapshot of each ({@link SnapshotSignal}),
 * which a running capture reads in order from its stream, and a stopped one at its next start. A capture that
 * has not started yet needs nothing: its initial snapshot covers every captured table.
 *
 * @param started  a capture has started: in {@code logical} mode a logical replication slot exists in the
 *                 database, in {@code trigger} mode a snapshot was recorded for the journal
 * @param captured the tables captured before setup changes anything
 */
public record AddedTables(boolean logical, boolean started, Set<TableId> captured) {

    public AddedTables {
        captured = Set.copyOf(captured);
    }

    /**
     * What is captured now, read before setup changes it.
     *
     * @param publication the publication ({@code logical}), ignored in {@code trigger} mode
     */
    public static AddedTables before(DatabaseConfig database, boolean logical, String publication) {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-setup")) {
            if (logical) {
                return new AddedTables(true, anyLogicalSlot(connection), Set.copyOf(Snapshots.publishedTables(connection, publication)));
            }
            boolean started = ProgressStore.installed(connection) && !new ProgressStore("trigger").load(connection).isEmpty();
            return new AddedTables(false, started, Set.copyOf(Snapshots.triggerTables(connection)));
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "reading what is captured");
        }
    }

    /**
     * Asks for a snapshot of each of {@code tables} that was not captured before, holds rows and has a primary
     * key (a table without one cannot be snapshotted; setup warns about it already).
     *
     * @return the tables a snapshot was asked for
     */
    public List<TableId> askForSnapshots(DatabaseConfig database, List<TableId> tables) {
        if (!started) {
            return List.of();
        }
        List<TableId> asked = new ArrayList<>();
        try (Connection connection = PostgresConnections.open(database, "pgcdc-setup")) {
            for (TableId table : tables) {
                if (!captured.contains(table) && !asked.contains(table) && !Catalog.primaryKey(connection, table).isEmpty()
                        && holdsRows(connection, table)) {
                    SnapshotSignal.send(database, logical, table, null);
                    asked.add(table);
                }
            }
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "asking for snapshots of the added tables");
        }
        return asked;
    }

    private static boolean anyLogicalSlot(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM pg_replication_slots WHERE slot_type = 'logical' AND database = current_database()");
             ResultSet rows = query.executeQuery()) {
            return rows.next();
        }
    }

    private static boolean holdsRows(Connection connection, TableId table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + table.quoted() + ")");
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getBoolean(1);
        }
    }
}
