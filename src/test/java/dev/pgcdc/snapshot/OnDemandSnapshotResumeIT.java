package dev.pgcdc.snapshot;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.trigger.JournalSchema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An on-demand snapshot ({@code pgcdc snapshot}) whose capture is killed with SIGKILL in its middle resumes at
 * the next start from its next chunk, in {@code logical} and in {@code trigger} mode: every row arrives, and only the rows of chunks not recorded are read again.
 * The middle is forced, not timed: once some chunks are recorded, the test locks the table, so the worker waits
 * before its next chunk, and kills capture while it waits.
 */
class OnDemandSnapshotResumeIT {

    private static final int ROWS = 2_000;
    private static final int CHUNK_ROWS = 100;

    @ParameterizedTest
    @ValueSource(strings = {"logical", "trigger"})
    void onDemandSnapshotKilledMidwayResumesFromItsNextChunk(String mode) throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("odresume");
        String topic = prefix + ".public.big";
        TestServices.execute(database, """
                CREATE TABLE big (id int PRIMARY KEY, note text);
                INSERT INTO big SELECT g, 'row ' || g FROM generate_series(1, %d) g""".formatted(ROWS));
        KafkaClusterCheck.ensureTopics(kafka, List.of(topic), Duration.ofSeconds(30));
        String slot = prefix.toLowerCase();
        List<String> capture = new ArrayList<>(List.of("capture", "--mode", mode, "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix,
                "--snapshot", "no_data", "--snapshot-chunk-rows", Integer.toString(CHUNK_ROWS), "--snapshot-workers", "1"));
        if (mode.equals("logical")) {
            TestServices.execute(database, "CREATE PUBLICATION " + prefix + " FOR TABLE big");
            capture.addAll(List.of("--slot", slot, "--publication", prefix));
        } else {
            JournalSchema.install(database, List.of(new TableId("public", "big")));
        }
        String[] captureArgs = capture.toArray(String[]::new);

        long recordedAtKill;
        long inKafkaAtKill;
        try (PgcdcProcess first = PgcdcProcess.start(captureArgs)) {
            assertThat(first.awaitLine("Capturing", Duration.ofSeconds(60))).as(first.output()).isTrue();
            CliRun request = CliRun.of("snapshot", "--db", database.url(), "--user", database.user(), "--mode", mode,
                    "--table", "public.big");
            assertThat(request.exitCode()).as(request.err()).isZero();
            Conditions.await("a chunk of the on-demand snapshot recorded", () -> onDemandRowsDone(database) >= CHUNK_ROWS,
                    Duration.ofSeconds(60));
            try (Connection lock = TestServices.connect(database); Statement statement = lock.createStatement()) {
                lock.setAutoCommit(false);
                statement.execute("LOCK TABLE big IN ACCESS EXCLUSIVE MODE");
                Conditions.await("the snapshot worker waiting for the table", () -> workerWaitsForLock(database), Duration.ofSeconds(60));
                first.kill();
                lock.rollback();
            }
            assertThat(onDemandDone(database)).as("killed in the middle").isFalse();
        }
        if (mode.equals("logical")) {
            LogicalCapture.awaitSlotReleased(database, slot);
        }
        Conditions.await("the killed capture's connections gone", () -> snapshotConnections(database) == 0, Duration.ofSeconds(60));
        recordedAtKill = onDemandRowsDone(database);
        inKafkaAtKill = Topics.size(kafka, topic);
        assertThat(recordedAtKill).isBetween((long) CHUNK_ROWS, (long) ROWS - CHUNK_ROWS);

        try (PgcdcProcess second = PgcdcProcess.start(captureArgs)) {
            assertThat(second.awaitLine("On-demand snapshot of public.big resumed (" + recordedAtKill + " row(s) done)",
                    Duration.ofSeconds(60))).as(second.output()).isTrue();
            Conditions.await("the resumed on-demand snapshot done", () -> onDemandDone(database), Duration.ofSeconds(60));
            second.terminate();
            assertThat(second.awaitExit(Duration.ofSeconds(60))).as(second.output()).isZero();
        }

        long total = Topics.size(kafka, topic);
        assertThat(total - inKafkaAtKill).as("rows sent after the restart: only the chunks not recorded").isEqualTo(ROWS - recordedAtKill);
        List<ConsumedChange> records = Topics.read(kafka, topic, (int) total, Duration.ofSeconds(5));
        Set<Integer> ids = records.stream().map(record -> Json.parse(record.value())).peek(value -> {
            assertThat(value.get("op").asText()).isEqualTo("r");
            assertThat(value.get("source").get("snapshot").asText()).isEqualTo("incremental");
        }).map(value -> value.get("after").get("id").asInt()).collect(Collectors.toSet());
        assertThat(ids).hasSize(ROWS);
    }

    private static long onDemandRowsDone(DatabaseConfig database) {
        String rows = query(database, "SELECT rows_done FROM pgcdc.snapshot_progress WHERE capture LIKE '%on-demand%'");
        return rows == null || rows.isEmpty() ? 0 : Long.parseLong(rows.strip());
    }

    private static boolean onDemandDone(DatabaseConfig database) {
        return "true".equals(query(database, "SELECT done::text FROM pgcdc.snapshot_progress WHERE capture LIKE '%on-demand%'"));
    }

    private static boolean workerWaitsForLock(DatabaseConfig database) {
        return !query(database, "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgcdc-snapshot'"
                + " AND wait_event_type = 'Lock' AND wait_event = 'relation'").isEmpty();
    }

    private static long snapshotConnections(DatabaseConfig database) {
        return Long.parseLong(query(database, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgcdc-snapshot'").strip());
    }

    private static String query(DatabaseConfig database, String sql) {
        try {
            return TestServices.query(database, sql);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return "";
            }
            throw new IllegalStateException(e);
        }
    }
}
