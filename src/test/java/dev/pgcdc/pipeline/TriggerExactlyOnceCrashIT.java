package dev.pgcdc.pipeline;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.trigger.JournalSchema;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.ExactlyOnceCheck;
import dev.pgcdc.testing.HotKeyWorkload;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static dev.pgcdc.pipeline.LogicalExactlyOnceCrashIT.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trigger capture with --exactly-once, its process killed with SIGKILL at least ten times at random moments
 * while four writers change a few hot keys: a read_committed consumer sees every change once, in each key's
 * commit order, each PostgreSQL transaction in one piece.
 */
class TriggerExactlyOnceCrashIT {

    private static final int MIN_KILLS = 10;
    private static final int CHANGES = 50_000;

    @Test
    void killedCaptureDeliversEachChangeExactlyOnce() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("eotrig");
        String topic = prefix + ".public.items";
        HotKeyWorkload.createTables(database);
        JournalSchema.install(database, List.of(new TableId("public", HotKeyWorkload.CAPTURED_TABLE)));
        // The journal was installed before the first write, so it holds every change: no snapshot, whose reads
        // of rows the writers left alone in its window would add "r" states between their committed ones.
        // --kafka-timeout: each restart must reach the broker, which can take more than 10 s on a loaded machine.
        String[] capture = {"capture", "--mode", "trigger", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--kafka-timeout", "60s", "--topic-prefix", prefix, "--exactly-once",
                "--snapshot", "no_data"};

        HotKeyWorkload workload = HotKeyWorkload.startChanges(database, 4, 40, CHANGES);
        int kills = 0;
        while (kills < MIN_KILLS || workload.isRunning()) {
            long published = Topics.size(kafka, topic);
            PgcdcProcess process = PgcdcProcess.start(capture);
            assertThat(process.awaitLine("Capturing journal", Duration.ofSeconds(60))).as(process.output()).isTrue();
            Conditions.await("capture publishes; output: " + process.output(), () -> Topics.size(kafka, topic) > published,
                    Duration.ofSeconds(30));
            // time itself is the subject: the kill must land at a random point of the stream
            Thread.sleep(ThreadLocalRandom.current().nextLong(0, 700));
            process.kill();
            kills++;
        }
        int commits = workload.awaitCommits();

        try (PgcdcProcess last = PgcdcProcess.start(capture)) {
            assertThat(last.awaitLine("Capturing journal", Duration.ofSeconds(60))).as(last.output()).isTrue();
            Conditions.await("journal drained", () -> query(database, "SELECT count(*) FROM pgcdc.journal").equals("0"),
                    Duration.ofSeconds(90));
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
        System.out.printf("trigger exactly-once crash test: %d kills, %d transactions committed, %d changes consumed, %d duplicates%n",
                kills, commits, check.events(), check.duplicates());
    }
}
