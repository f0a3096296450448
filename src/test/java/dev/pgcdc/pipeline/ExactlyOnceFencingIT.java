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
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.pgcdc.pipeline.LogicalExactlyOnceCrashIT.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two exactly-once captures of the same journal that both believe they are active (no --standby, so nothing
 * keeps the second one waiting): Kafka fences the older one, which stops with one line, and what the consumer
 * sees is still each change once.
 */
class ExactlyOnceFencingIT {

    @Test
    void theOlderOfTwoActiveCapturesIsFencedAndNothingIsDuplicated() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("zombie");
        String topic = prefix + ".public.items";
        HotKeyWorkload.createTables(database);
        JournalSchema.install(database, List.of(new TableId("public", HotKeyWorkload.CAPTURED_TABLE)));
        // The journal was installed before the first write, so it holds every change: no snapshot, whose reads
        // of rows the writers left alone in its window would add "r" states between their committed ones.
        String[] capture = {"capture", "--mode", "trigger", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--exactly-once",
                "--snapshot", "no_data"};

        AtomicBoolean fenced = new AtomicBoolean();
        // writes go on until the older one is fenced: it finds out at its next transaction
        HotKeyWorkload workload = HotKeyWorkload.startUntil(database, 2, 20, fenced::get);
        try (PgcdcProcess older = PgcdcProcess.start(capture)) {
            assertThat(older.awaitLine("Capturing journal", Duration.ofSeconds(60))).as(older.output()).isTrue();
            Conditions.await("the older capture publishes", () -> Topics.size(kafka, topic) > 0, Duration.ofSeconds(30));
            try (PgcdcProcess newer = PgcdcProcess.start(capture)) {
                assertThat(newer.awaitLine("Capturing journal", Duration.ofSeconds(60))).as(newer.output()).isTrue();

                int olderExit = older.awaitExit(Duration.ofSeconds(60));
                fenced.set(true);
                assertThat(olderExit).as(older.output()).isNotZero();
                assertThat(older.output()).contains("pgcdc: fenced by Kafka: another capture with transactional.id 'pgcdc-trigger-");
                assertThat(older.output()).doesNotContain("\tat ");

                workload.awaitCommits();
                Conditions.await("journal drained", () -> query(database, "SELECT count(*) FROM pgcdc.journal").equals("0"),
                        Duration.ofSeconds(60));
                newer.terminate();
                assertThat(newer.awaitExit(Duration.ofSeconds(60))).as(newer.output()).isZero();
            }
        } finally {
            fenced.set(true); // whatever failed, the writers stop
        }

        List<ConsumedChange> records = Topics.read(kafka, topic, Integer.MAX_VALUE, Duration.ofSeconds(3));
        assertThat(ExactlyOnceCheck.of(records).duplicates()).as("changes delivered twice").isZero();
        assertThat(HotKeyWorkload.Replay.of(records).states()).as("each key's states, complete and in commit order")
                .isEqualTo(HotKeyWorkload.committedStates(database));
    }
}
