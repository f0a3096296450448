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
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An on-demand snapshot ({@code pgcdc snapshot}) whose capture is killed with SIGKILL in its middle resumes at
 * the next start from its next chunk: every row arrives, and only the rows of chunks not recorded are read again.
 * The middle is forced, not timed: once some chunks are recorded, the test locks the table, so the worker waits
 * before its next chunk, and kills capture while it waits.
 */
class OnDemandSnapshotResumeIT {

    private static final int ROWS = 2_000;
    private static final int CHUNK_ROWS = 100;

    @Test
    void onDemandSnapshotKilledMidwayResumesFromItsNextChunk() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("odresume");
        String topic = prefix + ".public.big";
        TestServices.execute(database, """
                CREATE TABLE big (id int PRIMARY KEY, note text);
                INSERT INTO big SELECT g, 'row ' || g FROM generate_series(1, %d) g;
                CREATE PUBLICATION %s FOR TABLE big""".formatted(ROWS, prefix));
        KafkaClusterCheck.ensureTopics(kafka, List.of(topic), Duration.ofSeconds(30));
        String slot = prefix.toLowerCase();
        String[] capture = {"capture", "--mode", "logical", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", slot, "--publication", prefix,
                "--snapshot", "no_data", "--snapshot-chunk-rows", Integer.toString(CHUNK_ROWS), "--snapshot-workers", "1"};

        long recordedAtKill;
        long inKafkaAtKill;
        try (PgcdcProcess first = PgcdcProcess.start(capture)) {
            Conditions.await("the capture streaming", () -> slotActive(database, slot), Duration.ofSeconds(60));
            CliRun request = CliRun.of("snapshot", "--db", database.url(), "--user", database.user(), "--mode", "logical",
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
        LogicalCapture.awaitSlotReleased(database, slot);
        Conditions.await("the killed capture's connections gone", () -> snapshotConnections(database) == 0, Duration.ofSeconds(60));
        recordedAtKill = onDemandRowsDone(database);
        inKafkaAtKill = Topics.size(kafka, topic);
        assertThat(recordedAtKill).isBetween((long) CHUNK_ROWS, (long) ROWS - CHUNK_ROWS);

        try (PgcdcProcess second = PgcdcProcess.start(capture)) {
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

    private static boolean slotActive(DatabaseConfig database, String slot) {
        return "true".equals(query(database, "SELECT active::text FROM pg_replication_slots WHERE slot_name = '" + slot + "'"));
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
