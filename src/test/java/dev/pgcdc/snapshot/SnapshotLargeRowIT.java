package dev.pgcdc.snapshot;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A 10 MB row inside a snapshot goes out whole, between small ones. */
class SnapshotLargeRowIT {

    private static final int TEN_MB = 10 * 1024 * 1024;

    @Test
    void tenMegabyteRowIsSnapshottedWhole() throws Exception {
        KafkaConfig kafka = TestServices.kafka();
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("wide");
        TestServices.execute(database, """
                CREATE TABLE wide (id int PRIMARY KEY, body text);
                INSERT INTO wide VALUES (1, 'small'), (2, repeat('x', %d)), (3, 'small too');
                CREATE PUBLICATION %s FOR TABLE wide""".formatted(TEN_MB, prefix));
        String topic = prefix + ".public.wide";
        KafkaClusterCheck.ensureTopics(kafka, List.of(topic), Duration.ofSeconds(30));

        try (Capture capture = Capture.start(Snapshots.logical(database, LogicalCapture.config(prefix, prefix),
                new SnapshotConfig(SnapshotMode.INITIAL, 10, 1)), new KafkaSink(kafka, List.of(topic)))) {
            Conditions.await("the three rows", () -> Topics.size(kafka, topic) == 3, Duration.ofSeconds(60));
        }

        List<ConsumedChange> rows = Topics.read(kafka, topic, 3, Duration.ofSeconds(5));
        assertThat(rows).extracting(row -> Json.parse(row.value()).get("after").get("body").asText().length())
                .containsExactly(5, TEN_MB, 9);
    }
}
