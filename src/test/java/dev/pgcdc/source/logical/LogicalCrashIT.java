package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.CrashWorkload;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A logical capture process killed with SIGKILL at least ten times while concurrent writers make 50,000
 * changes: nothing lost, per-key order kept (the replayed copy equals the table), duplicates counted.
 */
class LogicalCrashIT {

    private static final int WRITERS = 4;
    private static final int OPERATIONS_PER_WRITER = 12_500;
    private static final int MIN_KILLS = 10;

    @Test
    void resumesFromTheSlotAfterRepeatedKillsWithoutLosingOrReorderingChanges() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("lcrash");
        TestServices.execute(database, CrashWorkload.TABLE_DDL);
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "accounts")), false, false);
        // Streaming only: the slot is new; an initial snapshot would read rows written after the start again.
        // --kafka-timeout: each restart must reach the broker, which can take more than 10 s on a loaded machine.
        String[] capture = {"capture", "--mode", "logical", "--snapshot", "no_data", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--kafka-timeout", "60s", "--topic-prefix", prefix, "--slot", prefix, "--heartbeat-interval", "1s"};
        try {
            // The first capture creates the slot; changes committed before it exists are not streamed.
            CrashWorkload workload = null;
            int kills = 0;
            while (kills < MIN_KILLS || workload.isRunning()) {
                PgcdcProcess process = PgcdcProcess.start(capture);
                assertThat(process.awaitLine("Capturing slot", Duration.ofSeconds(60))).as(process.output()).isTrue();
                if (workload == null) {
                    workload = CrashWorkload.start(database, WRITERS, OPERATIONS_PER_WRITER);
                }
                Thread.sleep(ThreadLocalRandom.current().nextLong(300, 1_000));
                process.kill();
                kills++;
                LogicalCapture.awaitSlotReleased(database, prefix);
            }
            int changes = workload.awaitChanges();
            String endOfWrites = TestServices.query(database, "SELECT pg_current_wal_lsn()::text");

            try (PgcdcProcess last = PgcdcProcess.start(capture)) {
                assertThat(last.awaitLine("Capturing slot", Duration.ofSeconds(60))).isTrue();
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (!TestServices.query(database, "SELECT (confirmed_flush_lsn >= '" + endOfWrites + "')::text FROM pg_replication_slots "
                        + "WHERE slot_name = '" + prefix + "'").equals("true")) {
                    assertThat(System.nanoTime()).as("slot confirmed past the last write").isLessThan(deadline);
                    Thread.sleep(100);
                }
                last.terminate();
                assertThat(last.awaitExit(Duration.ofSeconds(60))).isZero();
            }

            List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.accounts", Integer.MAX_VALUE, Duration.ofSeconds(10));
            CrashWorkload.Replay replay = CrashWorkload.Replay.of(records);
            assertThat(replay.rows()).as("replayed copy equals the source table").isEqualTo(CrashWorkload.sourceRows(database));
            assertThat(replay.distinctChanges()).as("every change delivered").isEqualTo(changes);
            System.out.printf("logical crash test: %d kills, %d changes, %d events consumed, %d duplicates%n",
                    kills, changes, replay.events(), replay.duplicates());
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }
}
