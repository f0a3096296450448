package dev.pgcdc.snapshot;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Snapshots as a user runs them: the one-line refusals, and a million rows through a small heap. */
class SnapshotCliIT {

    private final KafkaConfig kafka = TestServices.kafka();

    @Test
    void tableTheRoleCannotReadStopsCaptureWithOneLine() {
        DatabaseConfig database = TestServices.newDatabase();
        String role = TestServices.uniqueName("noread");
        TestServices.execute(database, "CREATE TABLE secret (id int PRIMARY KEY, v text); INSERT INTO secret VALUES (1, 'x')");
        assertThat(CliRun.of("setup", "--db", database.url(), "--user", "postgres", "--mode", "trigger", "--table", "public.secret")
                .exitCode()).isZero();
        TestServices.execute(database, "CREATE ROLE " + role + " LOGIN; GRANT USAGE, CREATE ON SCHEMA pgcdc TO " + role
                + "; GRANT SELECT, INSERT, DELETE ON pgcdc.journal TO " + role);

        CliRun capture = CliRun.of("capture", "--mode", "trigger", "--db", database.url(), "--user", role,
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", TestServices.uniqueName("noread"));

        assertThat(capture.exitCode()).as(capture.err()).isEqualTo(3);
        assertThat(capture.err().strip()).doesNotContain("\n").startsWith("pgcdc: cannot snapshot table public.secret: the capture role may not read it")
                .contains("GRANT SELECT ON \"public\".\"secret\"");
    }

    @Test
    void tableWithoutPrimaryKeyIsRefusedWithOneLine() {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TABLE loose (v text); INSERT INTO loose VALUES ('x')");
        assertThat(CliRun.of("setup", "--db", database.url(), "--user", "postgres", "--mode", "trigger", "--table", "public.loose")
                .exitCode()).isZero();

        CliRun capture = CliRun.of("capture", "--mode", "trigger", "--db", database.url(), "--user", "postgres",
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", TestServices.uniqueName("loose"));

        assertThat(capture.exitCode()).isEqualTo(3);
        assertThat(capture.err().strip()).isEqualTo("pgcdc: cannot snapshot table public.loose: it has no primary key (snapshot chunks"
                + " are primary-key ranges); add a primary key, or start with --snapshot no_data");
    }

    @Test
    void millionRowTableSnapshotsThroughA256MbHeapAndInitialOnlyStops() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("million");
        TestServices.execute(database, """
                CREATE TABLE million (id bigint PRIMARY KEY, amount numeric(12,2), note text, at timestamptz, doc jsonb);
                INSERT INTO million SELECT g, g / 100.0, 'note number ' || g, '2026-01-01'::timestamptz + g * interval '1 s',
                                           jsonb_build_object('g', g, 'tag', 'x')
                FROM generate_series(1, 1000000) g;
                ANALYZE million;
                CREATE PUBLICATION %s FOR TABLE million""".formatted(prefix));

        try (PgcdcProcess capture = PgcdcProcess.startWithHeap("256m", "capture", "--mode", "logical", "--db", database.url(),
                "--user", database.user(), "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix,
                "--publication", prefix, "--snapshot", "initial_only")) {
            assertThat(capture.awaitExit(Duration.ofMinutes(4))).as(capture.output()).isZero();
            assertThat(capture.output()).contains("Snapshot complete: 1 table(s), 1,000,000 row(s)");
        }
        assertThat(Topics.size(kafka, prefix + ".public.million")).isEqualTo(1_000_000);
    }
}
