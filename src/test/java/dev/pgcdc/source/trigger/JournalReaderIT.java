package dev.pgcdc.source.trigger;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.event.TableId;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A journal that many rows went through keeps their index entries until a vacuum, and autovacuum comes by
 * every minute at best. Reading and removing a small batch must cost that batch, not every row deleted since:
 * counted in the index and heap blocks one call reads (PostgreSQL's statistics of the current transaction),
 * which do not depend on the machine's speed.
 */
class JournalReaderIT {

    private static final int DELETED_ROWS = 30_000;
    /** A few blocks per index and the heap; the deleted rows' entries fill well over a hundred. */
    private static final long FEW_BLOCKS = 20;

    private static DatabaseConfig database;

    @BeforeAll
    static void journalThatManyRowsWentThrough() {
        database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TABLE items (id int PRIMARY KEY, v int)");
        JournalSchema.install(database, List.of(new TableId("public", "items")));
        TestServices.execute(database, "ALTER TABLE pgcdc.journal SET (autovacuum_enabled = false)");
        TestServices.execute(database, "INSERT INTO items SELECT g, 0 FROM generate_series(1, " + DELETED_ROWS + ") g");
        TestServices.execute(database, "DELETE FROM pgcdc.journal");
    }

    @Test
    void aNewBatchReadsItsOwnRowsNotTheIndexEntriesOfEveryRowDeletedSinceTheLastVacuum() throws Exception {
        try (Connection connection = TestServices.connect(database)) {
            JournalReader reader = JournalReader.forServer(connection);
            TableDefinitions definitions = new TableDefinitions();
            TxSnapshot lower = reader.snapshot(connection, definitions).upper();
            TestServices.execute(database, "INSERT INTO items VALUES (-1, 0)");
            TestServices.execute(database, "INSERT INTO items VALUES (-2, 0)");
            connection.setAutoCommit(false);

            long before = blocksRead(connection);
            JournalReader.BatchStart start = reader.firstPage(connection, lower, definitions, 500);
            assertThat(start.rows()).extracting(JournalRow::newRow).containsExactly("{\"id\":-1,\"v\":0}", "{\"id\":-2,\"v\":0}");
            assertThat(blocksRead(connection) - before).as("blocks read by a batch's first page").isLessThan(FEW_BLOCKS);
            JournalBatch batch = new JournalBatch(lower, start.upper());

            before = blocksRead(connection);
            assertThat(reader.transactionEnds(connection, batch, 0, 100).allRead(0, 0)).isFalse();
            assertThat(blocksRead(connection) - before).as("blocks read finding a batch's transactions").isLessThan(FEW_BLOCKS);
            connection.rollback();
        }
    }

    @Test
    void aRemovalAfterAnotherScansOnlyTheTransactionsSinceThatOne() throws Exception {
        try (Connection connection = TestServices.connect(database)) {
            JournalReader reader = JournalReader.forServer(connection);
            TableDefinitions definitions = new TableDefinitions();
            TestServices.execute(database, "INSERT INTO items VALUES (-3, 0)");
            TxSnapshot removed = reader.snapshot(connection, definitions).upper();
            reader.removeUpTo(connection, 0, removed);
            TestServices.execute(database, "INSERT INTO items VALUES (-4, 0)");
            TxSnapshot delivered = reader.snapshot(connection, definitions).upper();
            connection.setAutoCommit(false);

            long before = blocksRead(connection);
            reader.removeUpTo(connection, removed.xmin(), delivered);
            assertThat(blocksRead(connection) - before).as("blocks read by the removal").isLessThan(FEW_BLOCKS);
            assertThat(journalRows(connection)).as("journal rows left").isZero();
            connection.rollback();
        }
    }

    /** Blocks of the journal and its indexes read so far in the current transaction. */
    static long blocksRead(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT sum(pg_stat_get_xact_blocks_fetched(oid))::bigint FROM pg_class
                WHERE oid IN ('pgcdc.journal'::regclass, 'pgcdc.journal_pkey'::regclass, 'pgcdc.journal_tx_id'::regclass)""");
             ResultSet blocks = query.executeQuery()) {
            blocks.next();
            return blocks.getLong(1);
        }
    }

    private static long journalRows(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM pgcdc.journal");
             ResultSet count = query.executeQuery()) {
            count.next();
            return count.getLong(1);
        }
    }
}
