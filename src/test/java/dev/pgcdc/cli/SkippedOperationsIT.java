package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.SkippedOperations;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --skipped-operations t}: a truncate is not published, the capture goes on past it, and the skip is counted aloud. */
class SkippedOperationsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final KafkaConfig kafka = TestServices.kafka();
    private final DatabaseConfig database = TestServices.newDatabase();

    @Test
    void triggerModeSkipsTruncatesCountsThemInTheLogStatusAndStopLineAndEmptiesTheJournal() throws Exception {
        // Also the command line's json-with-schema: the events are read from their payload.
        String prefix = TestServices.uniqueName("skip");
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");
        assertThat(CliRun.of("setup", "--db", database.url(), "--user", "postgres", "--mode", "trigger", "--table", "public.t").exitCode()).isZero();
        // Streaming only: the journal holds every change since setup; a snapshot would read new rows again.
        try (PgcdcProcess capture = PgcdcProcess.start("capture", "--mode", "trigger", "--db", database.url(), "--user", "postgres",
                "--snapshot", "no_data", "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--skipped-operations", "t",
                "--value-format", "json-with-schema", "--key-format", "json-with-schema")) {
            assertThat(capture.awaitLine("Capturing journal", Duration.ofSeconds(60))).as(capture.output()).isTrue();
            TestServices.execute(database, "INSERT INTO t VALUES (1); TRUNCATE t; INSERT INTO t VALUES (2)");
            TestServices.execute(database, "TRUNCATE t");

            assertThat(capture.awaitLine("Skipped a truncate of public.t (--skipped-operations t): its rows stay downstream; "
                    + "2 truncate(s) skipped since start", WAIT)).as(capture.output()).isTrue();
            List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.t", 2, Duration.ofSeconds(3));
            assertThat(records).extracting(record -> Json.parse(record.value()).get("payload").get("op").asText()).containsExactly("c", "c");
            assertThat(Json.parse(records.get(1).key()).get("schema").get("name").asText()).isEqualTo(prefix + ".public.t.Key");
            Conditions.await("the skipped truncate, last in the journal, is removed from it",
                    () -> answers("SELECT count(*)::text FROM pgcdc.journal", "0"), WAIT);
            CliRun status = CliRun.of("status", "--db", database.url(), "--user", "postgres", "--mode", "trigger");
            assertThat(status.out()).containsPattern("skipped: capture process \\d+ \\(pgcdc-trigger\\) skipped 2 truncate\\(s\\) since it started");
            capture.terminate();
            assertThat(capture.awaitExit(Duration.ofSeconds(60))).isZero();
            assertThat(capture.output()).contains("truncate(s) skipped (--skipped-operations).").contains(", 2 truncate(s) skipped");
        }
    }

    @Test
    void logicalModeSkipsTruncatesAndConfirmsPastThem() throws Exception {
        String prefix = TestServices.uniqueName("lskip");
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, true);
        LogicalCaptureConfig base = LogicalCapture.config(prefix, "pgcdc");
        LogicalCaptureConfig config = new LogicalCaptureConfig(base.slot(), base.publication(), base.topicPrefix(), true,
                base.heartbeatInterval(), false, base.onBadRecord(), SkippedOperations.parse("t"));
        try (Capture ignored = LogicalCapture.start(database, kafka, config)) {
            TestServices.execute(database, "INSERT INTO t VALUES (1); TRUNCATE t; INSERT INTO t VALUES (2)");
            TestServices.execute(database, "TRUNCATE t");
            String afterTruncate = TestServices.query(database, "SELECT pg_current_wal_lsn()::text");
            assertThat(ops(Topics.read(kafka, prefix + ".public.t", 2, Duration.ofSeconds(3)))).containsExactly("c", "c");
            Conditions.await("the slot is confirmed past the skipped truncate", () -> answers(
                    "SELECT (confirmed_flush_lsn >= '" + afterTruncate + "')::text FROM pg_replication_slots WHERE slot_name = '"
                            + config.slot() + "'", "true"), WAIT);
            CliRun status = CliRun.of("status", "--db", database.url(), "--user", "postgres", "--slot", config.slot());
            assertThat(status.out()).containsPattern("skipped: capture process \\d+ \\(pgcdc-logical\\) skipped 2 truncate\\(s\\)");
        } finally {
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
        }
    }

    private boolean answers(String sql, String expected) {
        try {
            return TestServices.query(database, sql).equals(expected);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> ops(List<ConsumedChange> records) {
        return records.stream().map(record -> Json.parse(record.value()).get("op").asText()).toList();
    }
}
