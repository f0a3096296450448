package dev.pgcdc.standby;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.logical.LogicalSetup;
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

import static org.assertj.core.api.Assertions.assertThat;

class StandbyTakeoverIT {

    @Test
    void standbyTakesOverFromAKilledActiveCaptureWithNothingLostOrDuplicated() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("standby");
        String topic = prefix + ".public.items";
        HotKeyWorkload.createTables(database);
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", HotKeyWorkload.CAPTURED_TABLE)), false, false);
        // Streaming only: the slot is new; an initial snapshot would read rows written after the start again.
        String[] capture = {"capture", "--mode", "logical", "--snapshot", "no_data", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix, "--exactly-once", "--standby"};
        try (PgcdcProcess active = PgcdcProcess.start(capture);
             PgcdcProcess standby = startOnceActive(active, capture)) {
            assertThat(standby.awaitLine("standby: waiting for the active capture, pid " + active.pid() + " on host ",
                    Duration.ofSeconds(60))).as(standby.output()).isTrue();
            HotKeyWorkload workload = HotKeyWorkload.startChanges(database, 2, 20, 4_000);
            Conditions.await("the active capture publishes", () -> Topics.size(kafka, topic) > 0, Duration.ofSeconds(30));

            active.kill();
            long killed = System.nanoTime();
            assertThat(standby.awaitLine("standby: the active capture is gone; taking over", Duration.ofSeconds(10)))
                    .as(standby.output()).isTrue();
            long tookOver = System.nanoTime();
            assertThat(standby.awaitLine("Capturing slot", Duration.ofSeconds(60))).as(standby.output()).isTrue();
            workload.awaitCommits();
            String endOfWrites = TestServices.query(database, "SELECT pg_current_wal_lsn()::text");
            Conditions.await("slot confirmed past the last write", () -> query(database,
                    "SELECT (confirmed_flush_lsn >= '" + endOfWrites + "')::text FROM pg_replication_slots WHERE slot_name = '"
                            + prefix + "'").equals("true"), Duration.ofSeconds(60));
            standby.terminate();
            assertThat(standby.awaitExit(Duration.ofSeconds(60))).as(standby.output()).isZero();
            assertThat(standby.output()).containsOnlyOnce("standby: waiting for the active capture");
            System.out.printf("standby took over %d ms after the kill, capturing %d ms later%n",
                    (tookOver - killed) / 1_000_000, (System.nanoTime() - tookOver) / 1_000_000);
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
        List<ConsumedChange> records = Topics.read(kafka, topic, Integer.MAX_VALUE, Duration.ofSeconds(3));
        assertThat(ExactlyOnceCheck.of(records).duplicates()).as("changes delivered twice").isZero();
        assertThat(HotKeyWorkload.Replay.of(records).states()).as("each key's states, complete and in commit order")
                .isEqualTo(HotKeyWorkload.committedStates(database));
    }

    /** The second process starts once the first is active, so which one waits is known. */
    static PgcdcProcess startOnceActive(PgcdcProcess active, String[] capture) throws Exception {
        assertThat(active.awaitLine("Capturing", Duration.ofSeconds(60))).as(active.output()).isTrue();
        return PgcdcProcess.start(capture);
    }

    private static String query(DatabaseConfig database, String sql) {
        try {
            return TestServices.query(database, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
