package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.OtherPostgresMajors;
import dev.pgcdc.testing.TestServices;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each server problem the logical mode checks before streaming gives its own one-line message and fix. */
class LogicalPreflightIT {

    private final KafkaConfig kafka = TestServices.kafka();

    @Test
    void walLevelNotLogicalNamesTheFix() throws Exception {
        try (EmbeddedPostgres replica = OtherPostgresMajors.builder().setServerConfig("wal_level", "replica").start()) {
            String url = "jdbc:postgresql://localhost:" + replica.getPort() + "/postgres";
            CliRun run = capture(url, "postgres", "pgcdc");
            assertOneLine(run, "wal_level is 'replica' but logical capture needs 'logical': run ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL");
        }
    }

    @Test
    void noFreeReplicationSlotNamesTheSetting() throws Exception {
        try (EmbeddedPostgres full = OtherPostgresMajors.builder()
                .setServerConfig("max_replication_slots", "1").start()) {
            DatabaseConfig database = new DatabaseConfig("jdbc:postgresql://localhost:" + full.getPort() + "/postgres", "postgres", null);
            TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY); CREATE PUBLICATION pgcdc FOR TABLE t");
            TestServices.execute(database, "SELECT pg_create_logical_replication_slot('someone_else', 'pgoutput')");
            assertOneLine(capture(database.url(), "postgres", "pgcdc"), "no free replication slot (max_replication_slots = 1, all in use)");
        }
    }

    @Test
    void roleWithoutReplicationAttribute() {
        DatabaseConfig database = TestServices.newDatabase();
        String role = TestServices.uniqueName("norep");
        TestServices.execute(database, "CREATE ROLE " + role + " LOGIN; CREATE TABLE t (id int PRIMARY KEY); "
                + "CREATE PUBLICATION pgcdc FOR TABLE t; GRANT SELECT ON t TO " + role);
        assertOneLine(capture(database.url(), role, "pgcdc"), "role '" + role + "' lacks the REPLICATION attribute: run ALTER ROLE "
                + role + " REPLICATION;");
    }

    @Test
    void missingAndEmptyPublication() {
        DatabaseConfig database = TestServices.newDatabase();
        assertOneLine(capture(database.url(), "postgres", "pgcdc"),
                "publication 'pgcdc' does not exist: run pgcdc setup --mode logical --table SCHEMA.TABLE");
        TestServices.execute(database, "CREATE PUBLICATION pgcdc");
        assertOneLine(capture(database.url(), "postgres", "pgcdc"), "publication 'pgcdc' has no tables");
    }

    @Test
    void tableWithoutPrimaryKeyOrReplicaIdentity() {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TABLE loose (a int, b text); CREATE PUBLICATION pgcdc FOR TABLE loose");
        assertOneLine(capture(database.url(), "postgres", "pgcdc"), "table public.loose has no primary key and no replica identity,"
                + " so its updates and deletes cannot be captured: add a primary key or run ALTER TABLE public.loose REPLICA IDENTITY FULL");
        TestServices.execute(database, "ALTER TABLE loose REPLICA IDENTITY FULL");
        String slot = TestServices.uniqueName("loose");
        try (Capture ignored = LogicalCapture.start(database, kafka, LogicalCapture.config(slot, "pgcdc"))) {
            assertThat(ignored.isRunning()).isTrue();
        } finally {
            LogicalSetup.teardown(database, slot.toLowerCase(), "pgcdc");
        }
    }

    @Test
    void slotInUseNamesTheProcess() {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
        String prefix = TestServices.uniqueName("busy");
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "pgcdc");
        try (Capture ignored = LogicalCapture.start(database, kafka, config)) {
            CliRun run = CliRun.of("capture", "--mode", "logical", "--db", database.url(), "--user", "postgres",
                    "--kafka", kafka.bootstrapServers(), "--slot", config.slot());
            assertOneLine(run, "replication slot '" + config.slot() + "' is in use by process ");
            CliRun teardown = CliRun.of("teardown", "--mode", "logical", "--db", database.url(), "--user", "postgres",
                    "--slot", config.slot());
            assertOneLine(teardown, "is in use by process");
        } finally {
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
        }
    }

    private CliRun capture(String url, String user, String publication) {
        return CliRun.of("capture", "--mode", "logical", "--db", url, "--user", user, "--kafka", kafka.bootstrapServers(),
                "--publication", publication, "--slot", TestServices.uniqueName("s"));
    }

    private static void assertOneLine(CliRun run, String message) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        assertThat(run.err().lines().toList()).as(run.err()).singleElement().asString()
                .startsWith("pgcdc: ").contains(message).doesNotContain("Exception");
    }
}
