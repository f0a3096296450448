package dev.pgcdc.snapshot;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.source.Source;
import dev.pgcdc.source.trigger.JournalSchema;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.SnapshotWorkload;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snapshot of existing rows and the stream of concurrent changes, together, replay to exactly the source:
 * in both modes, with tables of 0, 1 and 200,000 rows and a composite key, while four writers insert, update,
 * change keys and delete. Two workers split each table between them, so chunks of one table are read in
 * parallel and reach their watermarks in any order.
 */
class SnapshotConsistencyIT {

    private static final int ROWS = 200_000;
    private static final int CHUNK_ROWS = 2_500;
    private final KafkaConfig kafka = TestServices.kafka();

    @Test
    void logicalSnapshotWithConcurrentWritersReplaysToTheSource() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        SnapshotWorkload workload = SnapshotWorkload.create(database, ROWS);
        TestServices.execute(database, "CREATE PUBLICATION snap FOR TABLE " + String.join(", ", SnapshotWorkload.TABLES));
        String prefix = TestServices.uniqueName("snaplog");
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "snap");
        List<String> topics = SnapshotWorkload.TABLES.stream().map(t -> prefix + ".public." + t).toList();
        runSnapshotWithWriters(database, workload, ROWS, prefix, topics,
                () -> Snapshots.logical(database, config, new SnapshotConfig(SnapshotMode.INITIAL, CHUNK_ROWS, 2)));
    }

    @Test
    void triggerSnapshotWithConcurrentWritersReplaysToTheSource() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        SnapshotWorkload workload = SnapshotWorkload.create(database, ROWS);
        JournalSchema.install(database, SnapshotWorkload.TABLES.stream().map(t -> new TableId("public", t)).toList());
        String prefix = TestServices.uniqueName("snaptrg");
        TriggerCaptureConfig config = new TriggerCaptureConfig(prefix, true, Duration.ofMillis(20), 500);
        List<String> topics = SnapshotWorkload.TABLES.stream().map(t -> prefix + ".public." + t).toList();
        runSnapshotWithWriters(database, workload, ROWS, prefix, topics,
                () -> Snapshots.trigger(database, config, new SnapshotConfig(SnapshotMode.INITIAL, CHUNK_ROWS, 2)));
    }

    private void runSnapshotWithWriters(DatabaseConfig database, SnapshotWorkload workload, int rows, String prefix, List<String> topics,
                                        Supplier<Source> open) throws Exception {
        KafkaClusterCheck.ensureTopics(kafka, topics, Duration.ofSeconds(30));
        workload.startWriters(4);
        Source source = open.get();
        SnapshotStatus status = ((SnapshotSource) source).status();
        Capture capture = Capture.start(source, new KafkaSink(kafka, topics));
        try {
            Conditions.await("the snapshot to finish", status::done, Duration.ofSeconds(120));
            int commits = workload.stopWriters();
            assertThat(commits).isPositive();
            TestServices.execute(database, "INSERT INTO snap_empty VALUES (-1, 0, 'end')");
            String endTopic = prefix + ".public.snap_empty";
            Conditions.await("the end marker to reach Kafka", () -> Topics.read(kafka, endTopic, (int) Topics.size(kafka, endTopic),
                    Duration.ofSeconds(1)).stream().anyMatch(r -> "{\"id\":-1}".equals(r.key())), Duration.ofSeconds(60));
        } finally {
            capture.close();
        }
        long reads = SnapshotWorkload.assertTopicsReplayToTables(database, kafka, prefix);
        // Rows whose key a writer moved ahead of the snapshot are read again at their new key, rightly.
        assertThat(reads).as("snapshot rows").isBetween((long) rows / 2, 2L * rows);
    }
}
