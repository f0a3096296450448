package dev.pgcdc.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pgcdc snapshot} while capture streams: a filtered part of one table arrives, the stream of the others goes on. */
class OnDemandSnapshotIT {

    private final KafkaConfig kafka = TestServices.kafka();

    @Test
    void onDemandSnapshotOfAFilteredTableWhileCaptureStreamsAnother() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("ondemand");
        TestServices.execute(database, """
                CREATE TABLE streamed (id int PRIMARY KEY, v text);
                CREATE TABLE existing (id int PRIMARY KEY, v text);
                INSERT INTO existing SELECT g, 'old ' || g FROM generate_series(1, 100) g;
                CREATE PUBLICATION %s FOR TABLE streamed, existing""".formatted(prefix));
        LogicalCaptureConfig config = LogicalCapture.config(prefix, prefix);
        String streamed = prefix + ".public.streamed";
        String existing = prefix + ".public.existing";
        List<String> topics = List.of(streamed, existing);
        KafkaClusterCheck.ensureTopics(kafka, topics, Duration.ofSeconds(30));
        String[] db = {"--db", database.url(), "--user", database.user()};

        try (Capture capture = Capture.start(Snapshots.logical(database, config, new SnapshotConfig(SnapshotMode.NO_DATA, 20, 1)),
                new KafkaSink(kafka, topics))) {
            TestServices.execute(database, "INSERT INTO streamed VALUES (1, 'a')");
            Conditions.await("the first streamed change", () -> Topics.size(kafka, streamed) == 1, Duration.ofSeconds(30));
            assertThat(Topics.size(kafka, existing)).as("no_data: nothing snapshotted at start").isZero();

            CliRun request = CliRun.of(concat(db, "snapshot", "--mode", "logical", "--table", "public.existing", "--where", "id > 50"));
            assertThat(request.exitCode()).as(request.err()).isZero();
            assertThat(request.out()).contains("Asked the running logical capture to snapshot public.existing where id > 50");
            TestServices.execute(database, "INSERT INTO streamed VALUES (2, 'b')");

            Conditions.await("the filtered snapshot", () -> Topics.size(kafka, existing) == 50, Duration.ofSeconds(60));
            Conditions.await("the stream going on", () -> Topics.size(kafka, streamed) == 2, Duration.ofSeconds(30));
        }
        List<ConsumedChange> rows = Topics.read(kafka, existing, 50, Duration.ofSeconds(5));
        assertThat(rows).allSatisfy(row -> {
            JsonNode value = Json.parse(row.value());
            assertThat(value.get("op").asText()).isEqualTo("r");
            assertThat(value.get("source").get("snapshot").asText()).isEqualTo("incremental");
            assertThat(value.get("after").get("id").asInt()).isGreaterThan(50);
        });
        assertThat(rows.stream().map(row -> Json.parse(row.value()).get("after").get("id").asInt()).distinct().count()).isEqualTo(50);
    }

    @Test
    void onDemandSnapshotOfAMissingTableIsRefusedWithOneLine() {
        DatabaseConfig database = TestServices.newDatabase();

        CliRun request = CliRun.of("snapshot", "--db", database.url(), "--user", database.user(), "--mode", "logical",
                "--table", "public.nope");

        assertThat(request.exitCode()).isEqualTo(3);
        assertThat(request.err().strip()).doesNotContain("\n").startsWith("pgcdc: table public.nope does not exist in database");
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = new String[first.length + rest.length];
        System.arraycopy(rest, 0, all, 0, 1);
        System.arraycopy(first, 0, all, 1, first.length);
        System.arraycopy(rest, 1, all, 1 + first.length, rest.length - 1);
        return all;
    }
}
