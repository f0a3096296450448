package dev.pgcdc.source.trigger;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.event.TableId;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Table definitions are kept across batches, so every catalog change that alters one must show in the next
 * batch's comparison, and nothing else should: a key added or renamed, a column's type, a field added to a
 * composite type a column holds.
 */
class TableDefinitionsIT {

    @Test
    void aChangeOfTheKeyOrOfATypeAColumnHoldsIsNoticedByTheNextBatchAndOtherTablesAreNot() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TYPE stamp AS (note text); "
                + "CREATE TABLE t (id int NOT NULL, at timestamp, s stamp, old_stamps stamp[])");
        JournalSchema.install(database, List.of(new TableId("public", "t")));
        try (Connection connection = TestServices.connect(database)) {
            JournalReader reader = JournalReader.forServer(connection);
            TableDefinitions definitions = new TableDefinitions();
            JournalRow row = new JournalRow(1, 1, Instant.now(), oid(connection, "t"), new TableId("public", "t"), 'c', null, "{}");
            assertThat(definitions.of(connection, row)).isEqualTo(new TableDefinitions.Definition(List.of(), Set.of()));
            assertThat(reader.snapshot(connection, definitions).definitionsChanged()).as("nothing changed").isFalse();

            TestServices.execute(database, "CREATE TABLE other (id int PRIMARY KEY, at timestamptz); CREATE INDEX ON t (at)");
            assertThat(reader.snapshot(connection, definitions).definitionsChanged()).as("another table, a new index").isTrue();
            definitions.forgetAll();
            definitions.of(connection, row);
            TestServices.execute(database, "CREATE TABLE another (id int PRIMARY KEY, at timestamptz)");
            assertThat(reader.snapshot(connection, definitions).definitionsChanged()).as("another table only").isFalse();

            TestServices.execute(database, "ALTER TABLE t ADD PRIMARY KEY (id)");
            assertChanged(reader, connection, definitions, row, List.of("id"), Set.of());

            TestServices.execute(database, "ALTER TABLE t ALTER COLUMN at TYPE timestamptz");
            assertChanged(reader, connection, definitions, row, List.of("id"), Set.of("at"));

            TestServices.execute(database, "ALTER TYPE stamp ADD ATTRIBUTE seen timestamptz");
            assertChanged(reader, connection, definitions, row, List.of("id"), Set.of("at", "s", "old_stamps"));

            TestServices.execute(database, "ALTER TABLE t RENAME COLUMN id TO key");
            assertChanged(reader, connection, definitions, row, List.of("key"), Set.of("at", "s", "old_stamps"));

            TestServices.execute(database, "ALTER TABLE t DROP CONSTRAINT t_pkey");
            assertChanged(reader, connection, definitions, row, List.of(), Set.of("at", "s", "old_stamps"));

            TestServices.execute(database, "DROP TABLE t");
            assertChanged(reader, connection, definitions, row, List.of(), Set.of());
        }
    }

    private static void assertChanged(JournalReader reader, Connection connection, TableDefinitions definitions, JournalRow row,
                                      List<String> keyColumns, Set<String> zonedColumns) throws SQLException {
        assertThat(reader.snapshot(connection, definitions).definitionsChanged()).as("changed").isTrue();
        definitions.forgetAll();
        assertThat(definitions.of(connection, row)).isEqualTo(new TableDefinitions.Definition(keyColumns, zonedColumns));
        assertThat(reader.snapshot(connection, definitions).definitionsChanged()).as("read again").isFalse();
    }

    private static long oid(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet oid = statement.executeQuery("SELECT '" + table + "'::regclass::oid::bigint")) {
            oid.next();
            return oid.getLong(1);
        }
    }
}
