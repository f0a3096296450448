package dev.pgcdc.source.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.Position;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.testing.HotKeyWorkload;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import dev.pgcdc.testing.TriggerCapture;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-key order in trigger mode: the schedule that broke it, forced step by step, and concurrent writers on
 * a few hot keys, whose topic must replay to each key's committed states in commit order.
 */
class TriggerOrderIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String KEY = "{\"id\":1}";

    /**
     * Three connections and a reader driven by hand: the reader reads past an uncommitted change of key K,
     * that change commits, a second transaction changes K again and commits, and the reader reads again.
     */
    @Test
    void laterChangeOfAKeyNeverOvertakesAnEarlierOneThatCommittedLate() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("order");
        String topic = prefix + ".public.items";
        TestServices.execute(database, "CREATE TABLE items (id int PRIMARY KEY, v int)");
        JournalSchema.install(database, List.of(new TableId("public", "items")));
        TestServices.execute(database, "INSERT INTO items VALUES (1, 0)");
        KafkaClusterCheck.ensureTopics(kafka, List.of(topic), WAIT);
        TriggerCaptureConfig config = new TriggerCaptureConfig(prefix, false, Duration.ofMillis(100), 500);

        try (TriggerSource source = TriggerSource.open(database, config);
             KafkaSink sink = new KafkaSink(kafka, List.of(topic));
             Connection t1 = TestServices.connect(database);
             Connection t2 = TestServices.connect(database);
             Statement first = t1.createStatement();
             Statement second = t2.createStatement()) {
            Reader reader = new Reader(source, sink);
            reader.readUntil(events -> events.size() == 1);
            reader.acknowledgeAll();

            t1.setAutoCommit(false);
            first.execute("UPDATE items SET v = 1 WHERE id = 1"); // journal row written, not yet committed
            TestServices.execute(database, "INSERT INTO items SELECT g, 0 FROM generate_series(2, 6) g");
            reader.readUntil(events -> events.size() == 6); // reads past K's invisible change; nothing acknowledged yet

            t1.commit();
            second.execute("UPDATE items SET v = 2 WHERE id = 1"); // waited for t1's row lock; commits now
            reader.readUntil(events -> keyEvents(events).size() >= 2);
            reader.acknowledgeAll();
            reader.readUntil(events -> keyEvents(events).size() >= 3);
            reader.acknowledgeAll();

            assertThat(keyEvents(reader.read)).extracting(TriggerOrderIT::version).containsExactly(0, 1, 2);
        }
        List<ConsumedChange> records = Topics.read(kafka, topic, 8, WAIT);
        assertThat(records).filteredOn(record -> KEY.equals(record.key()))
                .extracting(record -> Json.parse(record.value()).get("after").get("v").asInt())
                .as("K's changes in the topic, in the order they committed").containsExactly(0, 1, 2);
    }

    @Test
    void concurrentWritersOnHotKeysReplayToTheSourceWithEachKeysStatesInCommitOrder() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("hot");
        HotKeyWorkload.createTables(database);
        JournalSchema.install(database, List.of(new TableId("public", HotKeyWorkload.CAPTURED_TABLE)));
        TriggerCaptureConfig config = new TriggerCaptureConfig(prefix, true, Duration.ofMillis(100), 500);

        int commits;
        try (Capture ignored = TriggerCapture.start(database, kafka, config)) {
            HotKeyWorkload workload = HotKeyWorkload.start(database, 4, 150, Duration.ofSeconds(30));
            commits = workload.awaitCommits();
            TriggerCaptureIT.awaitEmptyJournal(database);
        }

        List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.items", Integer.MAX_VALUE, Duration.ofSeconds(5));
        HotKeyWorkload.Replay replay = HotKeyWorkload.Replay.of(records);
        assertThat(replay.rows()).as("replayed copy equals the source table").isEqualTo(HotKeyWorkload.sourceRows(database));
        assertThat(replay.states()).as("each key's states, in commit order").isEqualTo(HotKeyWorkload.committedStates(database));
        assertThat(replay.duplicates()).as("no crash, no second delivery").isZero();
        System.out.printf("trigger hot keys: %d transactions committed, %d events%n", commits, replay.events());
    }

    private static List<ChangeEvent> keyEvents(List<ChangeEvent> events) {
        return events.stream().filter(event -> KEY.equals(event.key())).toList();
    }

    private static int version(ChangeEvent event) {
        JsonNode after = Json.parse(event.value()).get("after");
        return after.get("v").asInt();
    }

    /** The pipeline's two halves driven by hand: reads go to Kafka at once, acknowledgements come when the test says. */
    private static final class Reader {
        private final TriggerSource source;
        private final KafkaSink sink;
        private final List<ChangeEvent> read = new ArrayList<>();
        private Position lastSent;

        Reader(TriggerSource source, KafkaSink sink) {
            this.source = source;
            this.sink = sink;
        }

        void readUntil(Predicate<List<ChangeEvent>> done) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!done.test(read)) {
                assertThat(System.nanoTime()).as("events read so far: %s", read).isLessThan(deadline);
                for (ChangeEvent event : source.poll(Duration.ofMillis(200))) {
                    read.add(event);
                    sink.send(event, failure -> assertThat(failure).isNull());
                    lastSent = event.position() == null ? lastSent : event.position();
                }
            }
        }

        void acknowledgeAll() {
            sink.flush();
            if (lastSent != null) {
                source.commit(lastSent);
            }
        }
    }
}
