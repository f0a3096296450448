package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code setup --table} only ever adds; {@code --remove-table} removes, and needs --force while capture state exists. */
class SetupTablesIT {

    private final KafkaConfig kafka = TestServices.kafka();
    private final DatabaseConfig database = TestServices.newDatabase();

    @Test
    void addingATableWhileCapturingKeepsEveryChangeOfThePreviouslyCapturedTables() throws Exception {
        TestServices.execute(database, "CREATE TABLE sales (id int PRIMARY KEY); CREATE TABLE load2 (id int PRIMARY KEY); "
                + "CREATE TABLE nopk (a int)");
        assertThat(setup("logical", "--table", "public.sales", "--table", "public.load2").exitCode()).isZero();
        String prefix = TestServices.uniqueName("add");
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "pgcdc");
        try (Capture ignored = LogicalCapture.start(database, kafka, config)) {
            insert(1, 100);
            CliRun add = setup("logical", "--table", "public.nopk");
            assertThat(add.exitCode()).as(add.err()).isZero();
            assertThat(add.out()).contains("Publication pgcdc ready: [public.load2, public.nopk, public.sales]");
            insert(101, 200);

            List<String> expected = IntStream.rangeClosed(1, 200).mapToObj(id -> "{\"id\":" + id + "}").toList();
            for (String table : List.of("sales", "load2")) {
                List<ConsumedChange> records = Topics.read(kafka, prefix + ".public." + table, 200, Duration.ofSeconds(10));
                assertThat(records).extracting(ConsumedChange::key).as(table).containsExactlyElementsOf(expected);
            }
        } finally {
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
        }
    }

    @Test
    void logicalRemoveTableNeedsForceWhileASlotExistsAndSaysWhatStopsBeingCaptured() throws Exception {
        TestServices.execute(database, "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY)");
        assertThat(setup("logical", "--table", "public.a", "--table", "public.b").exitCode()).isZero();
        String slot = TestServices.uniqueName("rm");
        TestServices.execute(database, "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        try {
            CliRun refused = setup("logical", "--remove-table", "public.b");
            assertThat(refused.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
            assertThat(refused.err()).hasLineCount(1)
                    .contains("removing [public.b] from publication 'pgcdc' stops capturing their changes while replication slot [" + slot + "] exists")
                    .contains("pass --force");
            assertThat(published()).isEqualTo("public.a,public.b");

            CliRun forced = setup("logical", "--remove-table", "public.b", "--remove-table", "public.never", "--force");
            assertThat(forced.exitCode()).as(forced.err()).isZero();
            assertThat(forced.out()).contains("Removed [public.b] from publication pgcdc.", "Not captured, nothing to remove: [public.never].",
                    "Publication pgcdc now publishes [public.a].");
            assertThat(forced.err()).hasLineCount(1).startsWith("pgcdc: warning: changes to [public.b] are no longer captured");
            assertThat(published()).isEqualTo("public.a");
        } finally {
            TestServices.execute(database, "SELECT pg_drop_replication_slot('" + slot + "')");
        }
    }

    @Test
    void logicalRemoveTableWithoutSlotNeedsNoForce() throws Exception {
        TestServices.execute(database, "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY)");
        assertThat(setup("logical", "--table", "public.a", "--table", "public.b").exitCode()).isZero();
        CliRun removed = setup("logical", "--remove-table", "public.a");
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.err()).isEmpty();
        assertThat(published()).isEqualTo("public.b");
    }

    @Test
    void triggerSetupAddsAndRemoveTableNeedsForce() throws Exception {
        TestServices.execute(database, "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY)");
        assertThat(setup("trigger", "--table", "public.a").exitCode()).isZero();
        assertThat(setup("trigger", "--table", "public.b").exitCode()).isZero();
        assertThat(triggered()).isEqualTo("a,b");

        CliRun refused = setup("trigger", "--remove-table", "public.a");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(refused.err()).hasLineCount(1).contains("removing [public.a] stops capturing their changes").contains("pass --force");
        assertThat(triggered()).isEqualTo("a,b");

        CliRun forced = setup("trigger", "--remove-table", "public.a", "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(forced.out()).contains("Removed [public.a] from the trigger capture.");
        assertThat(forced.err()).hasLineCount(1).startsWith("pgcdc: warning: changes to [public.a] are no longer captured");
        assertThat(triggered()).isEqualTo("b");
    }

    private CliRun setup(String mode, String... args) {
        List<String> all = new ArrayList<>(List.of("setup", "--db", database.url(), "--user", "postgres", "--mode", mode));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private void insert(int from, int to) {
        for (int id = from; id <= to; id++) {
            TestServices.execute(database, "INSERT INTO sales VALUES (" + id + "); INSERT INTO load2 VALUES (" + id + ")");
        }
    }

    private String published() throws Exception {
        return TestServices.query(database, "SELECT string_agg(schemaname || '.' || tablename, ',' ORDER BY tablename) "
                + "FROM pg_publication_tables WHERE pubname = 'pgcdc'");
    }

    private String triggered() throws Exception {
        return TestServices.query(database, "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_trigger t "
                + "JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = 'pgcdc_capture'");
    }
}
