package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The trigger mode as a user drives it: setup, capture, consume, teardown, demo. */
class TriggerCliIT {

    @Test
    void setupCaptureConsumeAndTeardownFromTheCommandLine() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("cli");
        TestServices.execute(database, "CREATE SCHEMA shop; CREATE TABLE shop.orders (id int PRIMARY KEY, total numeric(10,2))");

        CliRun setup = CliRun.of("setup", "--db", database.url(), "--user", "postgres", "--mode", "trigger", "--table", "shop.orders");
        assertThat(setup.exitCode()).as(setup.err()).isZero();
        assertThat(setup.out()).contains("Capturing shop.orders into journal pgcdc.journal");

        TestServices.execute(database, "INSERT INTO shop.orders VALUES (1, 10.50); UPDATE shop.orders SET total = 12.00 WHERE id = 1");
        // Streaming only: the journal holds every change since setup; a snapshot would read new rows again.
        try (PgcdcProcess capture = PgcdcProcess.start("capture", "--mode", "trigger", "--db", database.url(),
                "--snapshot", "no_data", "--user", "postgres", "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix)) {
            assertThat(capture.awaitLine("Capturing journal", Duration.ofSeconds(60))).as(capture.output()).isTrue();
            CliRun consume = CliRun.of("consume", "--kafka", kafka.bootstrapServers(), "--topic", prefix + ".shop.orders",
                    "--from-beginning", "--max", "2", "--timeout", "30s");
            assertThat(consume.exitCode()).as(consume.err()).isZero();
            assertThat(consume.out().lines().toList()).hasSize(2)
                    .satisfies(lines -> {
                        assertThat(lines.get(0)).contains("key={\"id\":1} INSERT shop.orders id=1 total=10.50");
                        assertThat(lines.get(1)).contains("key={\"id\":1} UPDATE shop.orders total: 10.50 -> 12.00");
                    });
            CliRun updates = CliRun.of("consume", "--kafka", kafka.bootstrapServers(), "--topic", prefix + ".shop.orders",
                    "--from-beginning", "--op", "u", "--table", "orders", "--format", "table", "--color", "never", "--max", "1", "--timeout", "30s");
            assertThat(updates.exitCode()).as(updates.err()).isZero();
            assertThat(updates.out().lines().toList()).satisfiesExactly(
                    header -> assertThat(header).startsWith("TIME (UTC)    OP        TABLE"),
                    update -> assertThat(update).containsPattern("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  UPDATE    shop\\.orders +\\{\"id\":1\\} +total: 10\\.50 -> 12\\.00$"));
            capture.terminate();
            assertThat(capture.awaitExit(Duration.ofSeconds(60))).isZero();
        }

        CliRun teardown = CliRun.of("teardown", "--db", database.url(), "--user", "postgres", "--mode", "trigger");
        assertThat(teardown.exitCode()).as(teardown.err()).isZero();
        assertThat(teardown.out()).contains("Removed schema pgcdc and the capture triggers of 1 table(s): [shop.orders]");
    }

    @Test
    void missingTableIsOneLineAndInstallsNothing() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        CliRun setup = CliRun.of("setup", "--db", database.url(), "--user", "postgres", "--mode", "trigger",
                "--table", "public.nope");
        assertThat(setup.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(setup.err().lines().toList()).singleElement().asString()
                .startsWith("pgcdc: table public.nope does not exist");
        CliRun capture = CliRun.of("capture", "--mode", "trigger", "--db", database.url(), "--user", "postgres",
                "--kafka", TestServices.kafka().bootstrapServers());
        assertThat(capture.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(capture.err()).contains("no pgcdc journal in database").contains("pgcdc setup --mode trigger");
    }

    @Test
    void optionsOfAnotherModeAreRejected() {
        CliRun run = CliRun.of("capture", "--mode", "trigger", "--db", "jdbc:postgresql://localhost/x",
                "--kafka", "localhost:9092", "--channel", "sales_channel");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(run.err()).contains("--channel, --topic, --key-field do not apply to --mode trigger");
    }

    @Test
    void triggerDemoRunsUpdatesAndDeletesToo() throws Exception {
        try (PgcdcProcess demo = PgcdcProcess.start("demo", "--mode", "trigger", "--rows", "10")) {
            assertThat(demo.awaitExit(Duration.ofMinutes(3))).as(demo.output()).isZero();
            assertThat(demo.output())
                    .contains("Running: 10 insert(s), 2 update(s), 1 delete(s)")
                    .contains("UPDATE public.sales amount: 10.00 -> 11.00")
                    .contains("(tombstone)")
                    .contains("demo: 10 rows inserted, captured and displayed")
                    .contains("(14 record(s) in all)");
        }
    }
}
