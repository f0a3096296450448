package dev.pgcdc.source.trigger;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.TableId;
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
 * A capture process killed with SIGKILL again and again while several writers change the same rows:
 * replaying every consumed event into a copy must give exactly the source table.
 */
class TriggerCrashIT {

    private static final int WRITERS = 4;
    private static final int OPERATIONS_PER_WRITER = 5_000;
    private static final int MIN_KILLS = 6;

    @Test
    void resumesAfterRepeatedKillsWithoutLosingOrReorderingChanges() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("crash");
        String topic = prefix + ".public.accounts";
        TestServices.execute(database, CrashWorkload.TABLE_DDL);
        JournalSchema.install(database, List.of(new TableId("public", "accounts")));
        String[] capture = {"capture", "--mode", "trigger", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--poll-interval", "100ms"};

        CrashWorkload workload = CrashWorkload.start(database, WRITERS, OPERATIONS_PER_WRITER);
        int kills = 0;
        while (kills < MIN_KILLS || workload.isRunning()) {
            PgcdcProcess process = PgcdcProcess.start(capture);
            assertThat(process.awaitLine("Capturing journal", Duration.ofSeconds(60))).as(process.output()).isTrue();
            Thread.sleep(ThreadLocalRandom.current().nextLong(200, 900));
            process.kill();
            kills++;
        }
        int changes = workload.awaitChanges();

        try (PgcdcProcess last = PgcdcProcess.start(capture)) {
            assertThat(last.awaitLine("Capturing journal", Duration.ofSeconds(60))).isTrue();
            TriggerCaptureIT.awaitEmptyJournal(database);
            last.terminate();
            assertThat(last.awaitExit(Duration.ofSeconds(60))).isZero();
        }

        List<ConsumedChange> records = Topics.read(kafka, topic, Integer.MAX_VALUE, Duration.ofSeconds(10));
        CrashWorkload.Replay replay = CrashWorkload.Replay.of(records);
        assertThat(replay.rows()).as("replayed copy equals the source table").isEqualTo(CrashWorkload.sourceRows(database));
        assertThat(replay.distinctChanges()).as("every change delivered").isEqualTo(changes);
        System.out.printf("trigger crash test: %d kills, %d changes, %d events consumed, %d duplicates%n",
                kills, changes, replay.events(), replay.duplicates());
    }
}
