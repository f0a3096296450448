package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.OtherPostgresMajors;
import dev.pgcdc.testing.TestServices;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The smaller traps of everyday use: each is said at the first command that can see it. */
class EverydaySafetyIT {

    private final KafkaConfig kafka = TestServices.kafka();
    private final DatabaseConfig database = TestServices.newDatabase();

    @Test
    void setupWarnsAboutATableWithoutKeyOrReplicaIdentityWithTheFix() {
        TestServices.execute(database, "CREATE TABLE nopk (a int)");
        CliRun run = CliRun.of("setup", "--db", database.url(), "--user", "postgres", "--mode", "logical", "--table", "public.nopk",
                "--replica-identity", "default");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).hasLineCount(1).startsWith("pgcdc: warning: table public.nopk has no primary key and no replica identity")
                .contains("ALTER TABLE public.nopk REPLICA IDENTITY FULL");
    }

    @Test
    void setupWarnsWhenWalLevelIsNotLogical() throws Exception {
        try (EmbeddedPostgres replica = OtherPostgresMajors.builder().setServerConfig("wal_level", "replica").start()) {
            String url = "jdbc:postgresql://localhost:" + replica.getPort() + "/postgres";
            TestServices.execute(new DatabaseConfig(url, "postgres", null), "CREATE TABLE t (id int PRIMARY KEY)");
            CliRun run = CliRun.of("setup", "--db", url, "--user", "postgres", "--mode", "logical", "--table", "public.t");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.err()).hasLineCount(1).startsWith("pgcdc: warning: wal_level is 'replica'")
                    .contains("ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL");
        }
    }

    @Test
    void slotInUseNamesTheClientNotOnlyItsPid() {
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
        LogicalCaptureConfig config = LogicalCapture.config(TestServices.uniqueName("held"), "pgcdc");
        try (Capture ignored = LogicalCapture.start(database, kafka, config)) {
            CliRun teardown = CliRun.of("teardown", "--mode", "logical", "--db", database.url(), "--user", "postgres", "--slot", config.slot());
            assertThat(teardown.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
            assertThat(teardown.err()).hasLineCount(1).contains("is in use by process ")
                    .containsPattern("\\(application 'pgcdc-logical', client (127\\.0\\.0\\.1|::1), connected since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\)");
            CliRun status = CliRun.of("status", "--db", database.url(), "--user", "postgres", "--slot", config.slot(), "--mode", "logical");
            assertThat(status.exitCode()).as(status.err()).isZero();
            assertThat(status.out()).contains("streaming to process ", "(application 'pgcdc-logical'",
                    "database " + database.url().substring(database.url().lastIndexOf('/') + 1));
        } finally {
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
        }
    }

    @Test
    void teardownRefusesASlotThatIsNotPgcdcsUnlessForced() throws Exception {
        DatabaseConfig other = TestServices.newDatabase();
        String slot = TestServices.uniqueName("foreign");
        TestServices.execute(other, "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        String otherName = other.url().substring(other.url().lastIndexOf('/') + 1);
        try {
            CliRun refused = CliRun.of("teardown", "--mode", "logical", "--db", database.url(), "--user", "postgres", "--slot", slot);
            assertThat(refused.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
            assertThat(refused.err()).hasLineCount(1)
                    .contains("replication slot '" + slot + "' is not pgcdc's (plugin pgoutput, database " + otherName + ")")
                    .contains("--force");
            assertThat(slotCount(slot)).isEqualTo("1");

            CliRun forced = CliRun.of("teardown", "--mode", "logical", "--db", database.url(), "--user", "postgres", "--slot", slot, "--force");
            assertThat(forced.exitCode()).as(forced.err()).isZero();
            assertThat(slotCount(slot)).isEqualTo("0");
        } finally {
            TestServices.execute(other, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
        }
    }

    @Test
    void statusIsNonZeroAndExplicitWhenThereIsNothingToReport() {
        CliRun logical = CliRun.of("status", "--db", database.url(), "--user", "postgres", "--mode", "logical", "--slot", "nosuchslot");
        assertThat(logical.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(logical.out()).contains("logical: no replication slot 'nosuchslot' on this server");
        assertThat(logical.err()).hasLineCount(1).contains("replication slot 'nosuchslot' does not exist");

        CliRun both = CliRun.of("status", "--db", database.url(), "--user", "postgres", "--slot", "nosuchslot");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(both.err()).hasLineCount(1).contains("no replication slot 'nosuchslot' and no trigger journal");

        CliRun trigger = CliRun.of("status", "--db", database.url(), "--user", "postgres", "--mode", "trigger");
        assertThat(trigger.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(trigger.err()).contains("the trigger journal is not installed");
    }

    private String slotCount(String slot) throws Exception {
        return TestServices.query(database, "SELECT count(*)::text FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
    }
}
