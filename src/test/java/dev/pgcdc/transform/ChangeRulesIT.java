package dev.pgcdc.transform;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.pgcdc.testing.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Filters and masking as a user sets them: what they exclude or mask never reaches Kafka, and nothing stalls. */
class ChangeRulesIT {

    @Test
    void filteredTablesAndColumnsNeverReachKafkaAndMaskedValuesArriveMasked() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("rules");
        TestServices.execute(database, "CREATE TABLE customers (id int PRIMARY KEY, email text, card text, notes text, name text); "
                + "CREATE TABLE audit_log (id int PRIMARY KEY, what text)");
        CliRun setup = CliRun.of("setup", "--db", database.url(), "--user", "postgres", "--mode", "trigger",
                "--table", "public.customers,public.audit_log");
        assertThat(setup.exitCode()).as(setup.err()).isZero();
        // Streaming only: the journal holds every change since setup; a snapshot would read new rows again.
        try (PgcdcProcess capture = PgcdcProcess.start("capture", "--mode", "trigger", "--db", database.url(), "--user", "postgres",
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--exclude-table", "public\\.audit_.*",
                "--snapshot", "no_data", "--exclude-column", "public.customers.notes", "--mask-column", "public.customers.card",
                "--hash-column", "public.customers.email", "--hash-salt", "s3cret-salt")) {
            assertThat(capture.awaitLine("Capturing journal", Duration.ofSeconds(60))).as(capture.output()).isTrue();
            TestServices.execute(database, "INSERT INTO audit_log VALUES (1, 'login'); "
                    + "INSERT INTO customers VALUES (1, 'ana@example.com', '4111-1111', 'vip', 'Ana'); "
                    + "UPDATE customers SET card = '5500-0000' WHERE id = 1");
            List<ConsumedChange> customers = Topics.read(kafka, prefix + ".public.customers", 2, Duration.ofSeconds(30));
            assertThat(customers).hasSize(2);
            for (ConsumedChange change : customers) {
                assertThat(change.value()).doesNotContain("ana@example.com", "4111", "5500", "vip", "notes", "s3cret-salt")
                        .contains("\"card\":\"***\"", "\"name\":\"Ana\"").containsPattern("\"email\":\"[0-9a-f]{64}\"");
            }
            await("the excluded table's journal rows are removed: they count as delivered",
                    () -> journalRows(database) == 0, Duration.ofSeconds(30));
            assertThat(Topics.read(kafka, prefix + ".public.audit_log", Integer.MAX_VALUE, Duration.ofSeconds(2))).isEmpty();
            capture.terminate();
            assertThat(capture.awaitExit(Duration.ofSeconds(60))).isZero();
            assertThat(capture.output()).doesNotContain("s3cret-salt");
        } finally {
            CliRun.of("teardown", "--db", database.url(), "--user", "postgres", "--mode", "trigger", "--force");
        }
    }

    private static long journalRows(DatabaseConfig database) {
        try {
            return Long.parseLong(TestServices.query(database, "SELECT count(*)::text FROM pgcdc.journal"));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
