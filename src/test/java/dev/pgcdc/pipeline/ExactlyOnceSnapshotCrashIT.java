package dev.pgcdc.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.ExactlyOnceCheck;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.SnapshotWorkload;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logical capture with --exactly-once killed with SIGKILL several times in the middle of its initial snapshot
 * while four writers change the tables: the snapshot's progress is committed in the same Kafka transaction as
 * its rows, so a read_committed consumer sees each row's snapshot read at most once, no streamed change twice,
 * and a replay equal to the tables.
 */
class ExactlyOnceSnapshotCrashIT {

    private static final int ROWS = 10_000;
    private static final int KILLS_DURING_SNAPSHOT = 3;
    private static final Duration IDLE = Duration.ofSeconds(1);

    @Test
    void snapshotKilledRepeatedlyUnderExactlyOnceReadsEachRowAtMostOnce() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("eosnap");
        SnapshotWorkload workload = SnapshotWorkload.create(database, ROWS);
        TestServices.execute(database, "CREATE PUBLICATION " + prefix + " FOR TABLE " + String.join(", ", SnapshotWorkload.TABLES));
        // --kafka-timeout: each restart must reach the broker, which can take more than 10 s on a loaded machine.
        String[] capture = {"capture", "--mode", "logical", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--kafka-timeout", "60s", "--topic-prefix", prefix, "--slot", prefix, "--publication", prefix,
                "--snapshot-chunk-rows", "500", "--snapshot-workers", "2", "--exactly-once"};
        String many = prefix + ".public.snap_many";
        workload.startWriters(4);
        int killsDuringSnapshot = 0;
        while (killsDuringSnapshot < KILLS_DURING_SNAPSHOT) {
            long published = Topics.size(kafka, many);
            try (PgcdcProcess process = PgcdcProcess.start(capture)) {
                assertThat(process.awaitLine("Capturing slot", Duration.ofSeconds(60))).as(process.output()).isTrue();
                Conditions.await("the snapshot goes on; output: " + process.output(), () -> Topics.size(kafka, many) > published,
                        Duration.ofSeconds(30));
                // time itself is the subject: the kill must land at a random point of the snapshot
                Thread.sleep(ThreadLocalRandom.current().nextLong(0, 400));
                boolean snapshotDone = process.output().contains("Snapshot complete");
                process.kill();
                assertThat(snapshotDone).as("the snapshot ended before kill %d; output: %s", killsDuringSnapshot + 1, process.output())
                        .isFalse();
                killsDuringSnapshot++;
            }
            LogicalCapture.awaitSlotReleased(database, prefix);
        }

        try (PgcdcProcess last = PgcdcProcess.start(capture)) {
            assertThat(last.awaitLine("Snapshot complete", Duration.ofSeconds(90))).as(last.output()).isTrue();
            int commits = workload.stopWriters();
            assertThat(commits).isPositive();
            TestServices.execute(database, "INSERT INTO snap_empty VALUES (-1, 0, 'end')");
            String endTopic = prefix + ".public.snap_empty";
            Conditions.await("the end marker in Kafka", () -> Topics.read(kafka, endTopic, Integer.MAX_VALUE, IDLE).stream()
                    .anyMatch(r -> "{\"id\":-1}".equals(r.key())), Duration.ofSeconds(60));
            last.terminate();
            assertThat(last.awaitExit(Duration.ofSeconds(60))).as(last.output()).isZero();
        }

        long reads = SnapshotWorkload.assertTopicsReplayToTables(database, kafka, prefix, IDLE);
        for (String table : SnapshotWorkload.TABLES) {
            List<ConsumedChange> records = Topics.read(kafka, prefix + ".public." + table, Integer.MAX_VALUE, IDLE);
            Map<String, Integer> readsByKey = new HashMap<>();
            List<ConsumedChange> streamed = new ArrayList<>();
            for (ConsumedChange record : records) {
                if (record.value() == null) {
                    continue;
                }
                JsonNode value = Json.parse(record.value());
                if (value.get("op").asText().equals("r")) {
                    readsByKey.merge(record.key(), 1, Integer::sum);
                } else {
                    streamed.add(record);
                }
            }
            assertThat(readsByKey.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                    .as("%s: keys whose snapshot read came more than once", table).isEmpty();
            assertThat(ExactlyOnceCheck.of(streamed).duplicates()).as("%s: streamed changes delivered twice", table).isZero();
        }
        // Rows the writers insert or move ahead of the snapshot are read at their new keys too: no upper bound but "once per key".
        assertThat(reads).as("snapshot rows").isGreaterThanOrEqualTo(ROWS / 2);
        System.out.printf("exactly-once snapshot crash test: %d kills during the snapshot, %d snapshot reads, none twice%n",
                killsDuringSnapshot, reads);
    }
}
