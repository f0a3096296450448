package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Logical setup gives full before images by default, says so, and capture warns about a table left without them. */
class ReplicaIdentityIT {

    private static final String WARNING_FOR_KEPT = "updates of public.kept carry no before image; Flink SQL and other changelog "
            + "consumers need it: run setup again or ALTER TABLE public.kept REPLICA IDENTITY FULL";

    @Test
    void setupSetsFullByDefaultLeavesDefaultWhenAskedAndCaptureWarnsOncePerTableNotFull() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("ri");
        TestServices.execute(database, "CREATE TABLE full_one (id int PRIMARY KEY); CREATE TABLE kept (id int PRIMARY KEY)");

        CliRun byDefault = CliRun.of("setup", "--db", database.url(), "--user", "postgres", "--mode", "logical", "--table", "public.full_one");
        assertThat(byDefault.exitCode()).as(byDefault.err()).isZero();
        assertThat(byDefault.out()).contains("REPLICA IDENTITY FULL on [public.full_one] (set now on [public.full_one]): updates and "
                + "deletes carry the whole old row, as Flink SQL and other changelog consumers need (--replica-identity default leaves it as it is).");
        CliRun again = CliRun.of("setup", "--db", database.url(), "--user", "postgres", "--mode", "logical", "--table", "public.full_one");
        assertThat(again.out()).contains("REPLICA IDENTITY FULL on [public.full_one] (already set)");

        CliRun leftAlone = CliRun.of("setup", "--db", database.url(), "--user", "postgres", "--mode", "logical", "--table", "public.kept",
                "--replica-identity", "default");
        assertThat(leftAlone.exitCode()).as(leftAlone.err()).isZero();
        assertThat(leftAlone.out()).contains("REPLICA IDENTITY left as it is (--replica-identity default)");
        assertThat(TestServices.query(database, "SELECT string_agg(relname || '=' || relreplident::text, ',' ORDER BY relname) FROM pg_class "
                + "WHERE relname IN ('full_one', 'kept')")).isEqualTo("full_one=f,kept=d");

        CliRun wrong = CliRun.of("setup", "--db", database.url(), "--user", "postgres", "--mode", "logical", "--table", "public.kept",
                "--replica-identity", "fully");
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.err()).contains("--replica-identity must be full or default, not 'fully'");

        try (PgcdcProcess capture = PgcdcProcess.start("capture", "--mode", "logical", "--db", database.url(), "--user", "postgres",
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix)) {
            assertThat(capture.awaitLine("Capturing slot " + prefix, Duration.ofSeconds(60))).as(capture.output()).isTrue();
            assertThat(capture.output()).contains(WARNING_FOR_KEPT).doesNotContain("updates of public.full_one");
            assertThat(capture.output().split(java.util.regex.Pattern.quote(WARNING_FOR_KEPT), -1)).hasSize(2);
            capture.terminate();
            assertThat(capture.awaitExit(Duration.ofSeconds(60))).isZero();
        } finally {
            CliRun.of("teardown", "--db", database.url(), "--user", "postgres", "--mode", "logical", "--slot", prefix);
        }
    }
}
