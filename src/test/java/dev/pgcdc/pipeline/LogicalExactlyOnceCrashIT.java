package dev.pgcdc.pipeline;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.ExactlyOnceCheck;
import dev.pgcdc.testing.HotKeyWorkload;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logical capture with --exactly-once, its process killed with SIGKILL at least ten times at random moments
 * while four writers change a few hot keys: a read_committed consumer sees every change once, in each key's
 * commit order, each PostgreSQL transaction in one piece.
 */
class LogicalExactlyOnceCrashIT {

    private static final int MIN_KILLS = 10;
    private static final int CHANGES = 50_000;

    @Test
    void killedCaptureDeliversEachChangeExactlyOnce() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("eocrash");
        String topic = prefix + ".public.items";
        HotKeyWorkload.createTables(database);
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", HotKeyWorkload.CAPTURED_TABLE)), false, false);
        // Streaming only: the slot is new; an initial snapshot would read rows written after the start again.
        // --kafka-timeout: each restart must reach the broker, which can take more than 10 s on a loaded machine.
        String[] capture = {"capture", "--mode", "logical", "--snapshot", "no_data", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--kafka-timeout", "60s", "--topic-prefix", prefix, "--slot", prefix, "--exactly-once"};
        try {
            HotKeyWorkload workload = null;
            int kills = 0;
            while (kills < MIN_KILLS || workload.isRunning()) {
                long published = Topics.size(kafka, topic);
                PgcdcProcess process = PgcdcProcess.start(capture);
                assertThat(process.awaitLine("Capturing slot", Duration.ofSeconds(60))).as(process.output()).isTrue();

                if (workload == null) {
                    // The first capture creates the slot: changes before it would not be streamed.
                    workload = HotKeyWorkload.startChanges(database, 4, 40, CHANGES);
                }
                // once the writers are done there may be nothing left to publish
                HotKeyWorkload writers = workload;
                Conditions.await("capture publishes; output: " + process.output(),
                        () -> Topics.size(kafka, topic) > published || !writers.isRunning(), Duration.ofSeconds(30));
                // time itself is the subject: the kill must land at a random point of the stream
                Thread.sleep(ThreadLocalRandom.current().nextLong(0, 700));
                process.kill();
                kills++;
                LogicalCapture.awaitSlotReleased(database, prefix);
            }
            int commits = workload.awaitCommits();
            String endOfWrites = TestServices.query(database, "SELECT pg_current_wal_lsn()::text");

            try (PgcdcProcess last = PgcdcProcess.start(capture)) {
                assertThat(last.awaitLine("Capturing slot", Duration.ofSeconds(60))).as(last.output()).isTrue();
                Conditions.await("slot confirmed past the last write", () -> query(database,
                        "SELECT (confirmed_flush_lsn >= '" + endOfWrites + "')::text FROM pg_replication_slots WHERE slot_name = '"
                                + prefix + "'").equals("true"), Duration.ofSeconds(90));
                last.terminate();
                assertThat(last.awaitExit(Duration.ofSeconds(60))).as(last.output()).isZero();
            }

            List<ConsumedChange> records = Topics.read(kafka, topic, Integer.MAX_VALUE, Duration.ofSeconds(5));
            HotKeyWorkload.Replay replay = HotKeyWorkload.Replay.of(records);
            ExactlyOnceCheck check = ExactlyOnceCheck.of(records);
            assertThat(check.duplicates()).as("changes delivered twice").isZero();
            assertThat(check.splitTransactions()).as("transactions whose events are not contiguous").isEmpty();
            assertThat(replay.states()).as("each key's states, complete and in commit order")
                    .isEqualTo(HotKeyWorkload.committedStates(database));
            assertThat(replay.rows()).as("replayed copy equals the source table").isEqualTo(HotKeyWorkload.sourceRows(database));
            System.out.printf("logical exactly-once crash test: %d kills, %d transactions committed, %d changes consumed, %d duplicates%n",
                    kills, commits, check.events(), check.duplicates());
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }


    static String query(DatabaseConfig database, String sql) {
        try {
            return TestServices.query(database, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
