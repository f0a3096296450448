package dev.pgcdc.source.trigger;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.HotKeyWorkload;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A capture process killed with SIGKILL again and again while concurrent writers change a few hot keys:
 * replaying the topic must give exactly the source table, each key's states in commit order.
 */
class TriggerCrashIT {

    private static final int MIN_KILLS = 10;

    @Test
    void resumesAfterRepeatedKillsWithoutLosingOrReorderingChanges() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("crash");
        String topic = prefix + ".public.items";
        HotKeyWorkload.createTables(database);
        JournalSchema.install(database, List.of(new TableId("public", HotKeyWorkload.CAPTURED_TABLE)));
        // The journal was installed before the first write, so it holds every change: no snapshot, whose reads
        // of rows the writers left alone in its window would add "r" states between their committed ones.
        // --kafka-timeout: each restart must reach the broker, which can take more than 10 s on a loaded machine.
        String[] capture = {"capture", "--mode", "trigger", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--kafka-timeout", "60s", "--topic-prefix", prefix, "--poll-interval", "100ms",
                "--snapshot", "no_data"};

        HotKeyWorkload workload = HotKeyWorkload.start(database, 4, 150, Duration.ofSeconds(15));
        int kills = 0;
        while (kills < MIN_KILLS || workload.isRunning()) {
            long published = Topics.size(kafka, topic);
            PgcdcProcess process = PgcdcProcess.start(capture);
            assertThat(process.awaitLine("Capturing journal", Duration.ofSeconds(60))).as(process.output()).isTrue();
            // so the kill lands mid-stream; once the writers are done there may be nothing left to publish
            Conditions.await("capture publishes; output: " + process.output(),
                    () -> Topics.size(kafka, topic) > published || !workload.isRunning(), Duration.ofSeconds(30));
            // time itself is the subject: the kill must land at a random point of the stream
            Thread.sleep(ThreadLocalRandom.current().nextLong(0, 500));
            process.kill();
            kills++;
        }
        int commits = workload.awaitCommits();

        try (PgcdcProcess last = PgcdcProcess.start(capture)) {
            assertThat(last.awaitLine("Capturing journal", Duration.ofSeconds(60))).isTrue();
            TriggerCaptureIT.awaitEmptyJournal(database);
            last.terminate();
            assertThat(last.awaitExit(Duration.ofSeconds(60))).isZero();
        }

        List<ConsumedChange> records = Topics.read(kafka, topic, Integer.MAX_VALUE, Duration.ofSeconds(10));
        HotKeyWorkload.Replay replay = HotKeyWorkload.Replay.of(records);
        assertThat(replay.rows()).as("replayed copy equals the source table").isEqualTo(HotKeyWorkload.sourceRows(database));
        assertThat(replay.states()).as("each key's states, in commit order").isEqualTo(HotKeyWorkload.committedStates(database));
        assertThat(replay.duplicates()).as("kills landed while changes were in flight").isPositive();
        System.out.printf("trigger crash test: %d kills, %d transactions committed, %d events consumed, %d duplicates%n",
                kills, commits, replay.events(), replay.duplicates());
    }
}
