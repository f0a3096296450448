package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The logical mode as a user drives it: setup, capture, status, heartbeat on an idle slot, teardown, demo. */
class LogicalCliIT {

    @Test
    void setupCaptureStatusAndTeardownFromTheCommandLine() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("lcli");
        TestServices.execute(database, "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2)); CREATE TABLE noise (n int)");
        CliRun setup = CliRun.of("setup", "--db", database.url(), "--user", "postgres", "--mode", "logical", "--table", "public.orders");
        assertThat(setup.exitCode()).as(setup.err()).isZero();
        assertThat(setup.out()).contains("Publication pgcdc ready: [public.orders]");

        try (PgcdcProcess capture = PgcdcProcess.start("capture", "--mode", "logical", "--db", database.url(), "--user", "postgres",
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix, "--heartbeat-interval", "1s")) {
            assertThat(capture.awaitLine("Capturing slot " + prefix, Duration.ofSeconds(60))).as(capture.output()).isTrue();
            TestServices.execute(database, "INSERT INTO orders VALUES (1, 10.50); UPDATE orders SET total = 12.00 WHERE id = 1");
            CliRun consume = CliRun.of("consume", "--kafka", kafka.bootstrapServers(), "--topic", prefix + ".public.orders",
                    "--from-beginning", "--max", "2", "--timeout", "30s");
            assertThat(consume.out()).contains("INSERT public.orders id=1 total=10.50", "key={\"id\":1} UPDATE public.orders total: 10.50 -> 12.00");

            CliRun status = CliRun.of("status", "--db", database.url(), "--user", "postgres", "--slot", prefix);
            assertThat(status.out()).contains("logical: slot " + prefix + " streaming to process", "retaining")
                    .contains("trigger: not installed");

            // Only an unpublished table writes: the heartbeat still lets the slot confirm past that WAL.
            TestServices.execute(database, "INSERT INTO noise SELECT generate_series(1, 50000)");
            String afterNoise = TestServices.query(database, "SELECT pg_current_wal_lsn()::text");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!TestServices.query(database, "SELECT (confirmed_flush_lsn >= '" + afterNoise + "')::text FROM pg_replication_slots WHERE slot_name = '"
                    + prefix + "'").equals("true")) {
                assertThat(System.nanoTime()).as("idle slot advanced by the heartbeat").isLessThan(deadline);
                Thread.sleep(200);
            }
            capture.terminate();
            assertThat(capture.awaitExit(Duration.ofSeconds(60))).isZero();
        }

        CliRun teardown = CliRun.of("teardown", "--db", database.url(), "--user", "postgres", "--mode", "logical", "--slot", prefix);
        assertThat(teardown.exitCode()).as(teardown.err()).isZero();
        assertThat(TestServices.query(database, "SELECT count(*)::text FROM pg_replication_slots WHERE slot_name = '" + prefix + "'")).isEqualTo("0");
        assertThat(TestServices.query(database, "SELECT count(*)::text FROM pg_publication")).isEqualTo("0");
    }

    @Test
    void demoRunsInLogicalModeByDefaultWithUpdatesAndDeletes() throws Exception {
        try (PgcdcProcess demo = PgcdcProcess.start("demo", "--rows", "10")) {
            assertThat(demo.awaitExit(Duration.ofMinutes(3))).as(demo.output()).isZero();
            assertThat(demo.output())
                    .contains("the tutorial end to end in logical mode")
                    .contains("Running: 10 insert(s), 2 update(s), 1 delete(s)")
                    .contains("key={\"id\":1} UPDATE public.sales amount: 10.00 -> 11.00")
                    .contains("(tombstone)")
                    .contains("(14 record(s) in all)");
        }
    }
}
