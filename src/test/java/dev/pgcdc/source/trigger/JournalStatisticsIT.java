package dev.pgcdc.source.trigger;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.event.TableId;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backlog written faster than autovacuum analyzes the journal (a capture started after a bulk load, or running
 * when one comes): the statistics still describe the journal as it was, and a page must still read its own rows
 * in id order, not every row of the batch. Counted in blocks read, which do not depend on the machine's speed.
 */
class JournalStatisticsIT {

    private static final int BACKLOG_TRANSACTIONS = 100;
    private static final int ROWS_PER_TRANSACTION = 1_000;
    private static final int PAGE_ROWS = 100;
    /** A page's rows fill a few heap blocks and a few index blocks; the rest of the batch thousands. */
    private static final long PAGE_BLOCKS = 100;

    @Test
    void aPageOfABacklogReadsItsOwnRowsOnceCaptureRefreshedStatisticsThatPredateTheBacklog() throws Exception {
        DatabaseConfig database = journalAnalyzedSmall();
        try (Connection connection = TestServices.connect(database)) {
            JournalReader reader = JournalReader.forServer(connection);
            TableDefinitions definitions = new TableDefinitions();
            TxSnapshot lower = reader.snapshot(connection, definitions).upper();
            writeBacklog(database, BACKLOG_TRANSACTIONS);
            JournalReader.BatchStart start = reader.firstPage(connection, lower, definitions, PAGE_ROWS);
            assertThat(start.rows()).hasSize(PAGE_ROWS);

            assertThat(afterABacklogsPages(new JournalStatistics(Duration.ZERO, JournalStatistics.INTERVAL), connection)).as("analyzed").isTrue();

            JournalBatch batch = new JournalBatch(lower, start.upper());
            connection.setAutoCommit(false);
            long before = JournalReaderIT.blocksRead(connection);
            List<JournalRow> page = reader.page(connection, batch, start.rows().get(PAGE_ROWS - 1).id(), PAGE_ROWS);
            assertThat(page).hasSize(PAGE_ROWS);
            assertThat(page.get(0).newRow()).isEqualTo("{\"id\":" + PAGE_ROWS + ",\"v\":0}");
            assertThat(JournalReaderIT.blocksRead(connection) - before).as("blocks read by the batch's second page").isLessThan(PAGE_BLOCKS);
            connection.rollback();
        }
    }

    @ParameterizedTest(name = "exactly-once: {0}")
    @ValueSource(booleans = {false, true})
    void captureStartedOnABacklogAnalyzesTheJournalOnceItIsReadingABacklog(boolean exactlyOnce) throws Exception {
        DatabaseConfig database = journalAnalyzedSmall();
        writeBacklog(database, BACKLOG_TRANSACTIONS);
        // small pages: reading the backlog lasts well over a second (BACKLOG_AGE) on any machine
        int pageRows = 20;
        TriggerCaptureConfig config = new TriggerCaptureConfig(TestServices.uniqueName("stats"), false, Duration.ofMillis(20), pageRows);
        try (TriggerSource source = exactlyOnce ? TriggerSource.openExactlyOnce(database, config, null) : TriggerSource.open(database, config)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (journalRowsCounted(database) < BACKLOG_TRANSACTIONS * ROWS_PER_TRANSACTION && System.nanoTime() < deadline) {
                assertThat(source.poll(Duration.ofSeconds(5))).as("the backlog still being read").hasSize(pageRows);
            }
        }
        assertThat(journalRowsCounted(database)).as("rows the journal's statistics count").isGreaterThanOrEqualTo(BACKLOG_TRANSACTIONS * ROWS_PER_TRANSACTION);
    }

    @ParameterizedTest(name = "exactly-once: {0}")
    @ValueSource(booleans = {false, true})
    void captureStartedOnABacklogWrittenWhileItWasStoppedAnalyzesBeforeItsFirstPage(boolean exactlyOnce) throws Exception {
        DatabaseConfig database = journalAnalyzedSmall();
        writeBacklog(database, BACKLOG_TRANSACTIONS);
        awaitChangesCounted(database, BACKLOG_TRANSACTIONS * ROWS_PER_TRANSACTION);
        TriggerCaptureConfig config = new TriggerCaptureConfig(TestServices.uniqueName("stats"), false, Duration.ofMillis(20), PAGE_ROWS);
        try (TriggerSource source = exactlyOnce ? TriggerSource.openExactlyOnce(database, config, null) : TriggerSource.open(database, config)) {
            assertThat(source.poll(Duration.ofSeconds(5))).as("the first page").hasSize(PAGE_ROWS);
        }
        assertThat(journalRowsCounted(database)).as("rows the journal's statistics count after the first page")
                .isGreaterThanOrEqualTo(BACKLOG_TRANSACTIONS * ROWS_PER_TRANSACTION);
    }

    @Test
    void aStartOnAJournalWithFewChangesSinceItsStatisticsReadsOnWithThem() throws Exception {
        DatabaseConfig database = journalAnalyzedSmall();
        int transactions = (int) (JournalStatistics.STALE_ROWS / ROWS_PER_TRANSACTION) - 2;
        writeBacklog(database, transactions);
        awaitChangesCounted(database, transactions * ROWS_PER_TRANSACTION);
        try (Connection connection = TestServices.connect(database)) {
            JournalStatistics statistics = new JournalStatistics();
            assertThat(statistics.beforeFirstRead(connection)).isFalse();
            TestServices.execute(database, "INSERT INTO items SELECT g, 0 FROM generate_series(1000000, 1099999) g");
            awaitChangesCounted(database, transactions * ROWS_PER_TRANSACTION + 100_000);
            assertThat(statistics.beforeFirstRead(connection)).as("looked again after the first read").isFalse();
        }
        assertThat(journalRowsCounted(database)).as("rows the journal's statistics count").isLessThan(2_000);
    }

    /** PostgreSQL counts a table's changes shortly after their transactions end; waits until it shows {@code rows}. */
    private static void awaitChangesCounted(DatabaseConfig database, long rows) throws InterruptedException {
        Conditions.await("the journal's changes counted", () -> changesSinceStatistics(database) >= rows, Duration.ofSeconds(30));
    }

    private static long changesSinceStatistics(DatabaseConfig database) {
        try {
            return Long.parseLong(TestServices.query(database,
                    "SELECT n_mod_since_analyze FROM pg_stat_all_tables WHERE relid = 'pgcdc.journal'::regclass"));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long journalRowsCounted(DatabaseConfig database) throws Exception {
        return Long.parseLong(TestServices.query(database, "SELECT reltuples::bigint FROM pg_class WHERE oid = 'pgcdc.journal'::regclass"));
    }

    @Test
    void aSecondBacklogWithinTheIntervalIsNotAnalyzedAgain() throws Exception {
        DatabaseConfig database = journalAnalyzedSmall();
        writeBacklog(database, 20);
        try (Connection connection = TestServices.connect(database)) {
            JournalStatistics statistics = new JournalStatistics(Duration.ZERO, JournalStatistics.INTERVAL);
            assertThat(afterABacklogsPages(statistics, connection)).isTrue();
            assertThat(statistics.pageRead(connection, false)).isFalse();
            assertThat(afterABacklogsPages(statistics, connection)).isFalse();
        }
    }

    @Test
    void aBusyStreamOfSmallBatchesIsNotHeldUpByAnAnalyze() throws Exception {
        DatabaseConfig database = journalAnalyzedSmall();
        writeBacklog(database, 20);
        try (Connection connection = TestServices.connect(database)) {
            JournalStatistics statistics = new JournalStatistics();
            for (int batch = 0; batch < 3; batch++) {
                for (int page = 0; page < 10; page++) {
                    assertThat(statistics.pageRead(connection, true)).isFalse();
                }
                assertThat(statistics.pageRead(connection, false)).isFalse();
            }
        }
        assertThat(journalRowsCounted(database)).as("rows the journal's statistics count").isLessThan(2_000);
    }

    @Test
    void aVacuumHoldingTheJournalIsWaitedForBrieflyAndReadingGoesOn() throws Exception {
        DatabaseConfig database = journalAnalyzedSmall();
        writeBacklog(database, 20);
        try (Connection vacuum = holdingTheJournalAsAVacuumDoes(database); Connection connection = TestServices.connect(database)) {
            long started = System.nanoTime();
            assertThat(afterABacklogsPages(new JournalStatistics(Duration.ZERO, JournalStatistics.INTERVAL), connection)).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertReadingGoesOn(connection);
            vacuum.rollback();
        }
    }

    @Test
    void aRoleThatMayNotAnalyzeTheJournalReadsOnWithTheOldStatistics() throws Exception {
        DatabaseConfig database = journalAnalyzedSmall();
        writeBacklog(database, 20);
        String role = TestServices.uniqueName("reader");
        TestServices.execute(database, "CREATE ROLE " + role + " LOGIN; GRANT USAGE ON SCHEMA pgcdc TO " + role
                + "; GRANT SELECT, DELETE ON pgcdc.journal TO " + role);
        try (Connection connection = TestServices.connect(new DatabaseConfig(database.url(), role, null))) {
            JournalStatistics statistics = new JournalStatistics(Duration.ZERO, JournalStatistics.INTERVAL);
            assertThat(afterABacklogsPages(statistics, connection)).isFalse();
            assertReadingGoesOn(connection);
        }
        assertThat(journalRowsCounted(database)).as("rows the journal's statistics count").isLessThan(2_000);
    }

    @Test
    void anAnalyzeThatFailsLeavesReadingToGoOnAndIsNotTriedAgain() throws Exception {
        DatabaseConfig database = journalAnalyzedSmall();
        writeBacklog(database, 20);
        try (Connection vacuum = holdingTheJournalAsAVacuumDoes(database);
             Connection connection = TestServices.connect(database); Statement statement = connection.createStatement()) {
            // a role's statement_timeout shorter than the wait for a running vacuum: the analyze is cancelled
            statement.execute("SET statement_timeout = " + JournalStatistics.LOCK_WAIT.toMillis() / 5);
            JournalStatistics statistics = new JournalStatistics(Duration.ZERO, Duration.ZERO);
            assertThat(afterABacklogsPages(statistics, connection)).isFalse();
            assertReadingGoesOn(connection);

            vacuum.rollback();
            statement.execute("RESET statement_timeout");
            assertThat(statistics.pageRead(connection, true)).as("tried again").isFalse();
        }
        assertThat(journalRowsCounted(database)).as("rows the journal's statistics count").isLessThan(2_000);
    }

    /** A session holding the lock a vacuum or an analyze takes on the journal, until it rolls back. */
    private static Connection holdingTheJournalAsAVacuumDoes(DatabaseConfig database) throws Exception {
        Connection vacuum = TestServices.connect(database);
        vacuum.setAutoCommit(false);
        try (Statement holding = vacuum.createStatement()) {
            holding.execute("LOCK TABLE pgcdc.journal IN SHARE UPDATE EXCLUSIVE MODE");
        }
        return vacuum;
    }

    /** The connection is back in autocommit and reads the journal. */
    private static void assertReadingGoesOn(Connection connection) throws Exception {
        assertThat(connection.getAutoCommit()).isTrue();
        assertThat(JournalReader.forServer(connection).snapshot(connection, new TableDefinitions()).upper()).isNotNull();
    }

    /** Reads a backlog's first full page, which never analyzes the journal, and its second: whether that one did. */
    private static boolean afterABacklogsPages(JournalStatistics statistics, Connection connection) throws Exception {
        assertThat(statistics.pageRead(connection, true)).as("analyzed at the first full page").isFalse();
        return statistics.pageRead(connection, true);
    }

    /** A journal of 1,000 rows, analyzed, that autovacuum leaves alone. */
    private static DatabaseConfig journalAnalyzedSmall() {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TABLE items (id int PRIMARY KEY, v int)");
        JournalSchema.install(database, List.of(new TableId("public", "items")));
        TestServices.execute(database, "ALTER TABLE pgcdc.journal SET (autovacuum_enabled = false)");
        TestServices.execute(database, "INSERT INTO items SELECT g, 0 FROM generate_series(-1000, -1) g");
        TestServices.execute(database, "ANALYZE pgcdc.journal");
        return database;
    }

    private static void writeBacklog(DatabaseConfig database, int transactions) throws Exception {
        try (Connection connection = TestServices.connect(database); Statement statement = connection.createStatement()) {
            for (int t = 0; t < transactions; t++) {
                int first = t * ROWS_PER_TRANSACTION;
                statement.execute("INSERT INTO items SELECT g, 0 FROM generate_series(" + first + ", " + (first + ROWS_PER_TRANSACTION - 1) + ") g");
            }
        }
    }
}
