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

/**
 * A table that {@code setup --table} adds to a running capture gets its existing rows as a snapshot
 * ({@code op r}), and the stream goes on, for it and for the tables captured before; {@code --no-snapshot}
 * adds a table without one.
 */
class AddedTableSnapshotIT {

    private final KafkaConfig kafka = TestServices.kafka();

    @Test
    void tableAddedToARunningCaptureArrivesAsASnapshotAndTheStreamGoesOn() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("added");
        TestServices.execute(database, """
                CREATE TABLE first (id int PRIMARY KEY, v text);
                CREATE TABLE later (id int PRIMARY KEY, v text);
                CREATE TABLE quiet (id int PRIMARY KEY, v text);
                INSERT INTO later SELECT g, 'old ' || g FROM generate_series(1, 30) g;
                INSERT INTO quiet SELECT g, 'old ' || g FROM generate_series(1, 5) g""");
        String[] db = {"--db", database.url(), "--user", database.user(), "--mode", "logical", "--publication", prefix};
        assertThat(CliRun.of(concat("setup", db, "--table", "public.first")).exitCode()).isZero();
        LogicalCaptureConfig config = LogicalCapture.config(prefix, prefix);
        String first = prefix + ".public.first";
        String later = prefix + ".public.later";
        String quiet = prefix + ".public.quiet";
        KafkaClusterCheck.ensureTopics(kafka, List.of(first, later, quiet), Duration.ofSeconds(30));

        try (Capture capture = Capture.start(Snapshots.logical(database, config, new SnapshotConfig(SnapshotMode.INITIAL, 10, 2)),
                new KafkaSink(kafka, List.of(first, later, quiet)))) {
            TestServices.execute(database, "INSERT INTO first VALUES (1, 'a')");
            Conditions.await("the first streamed change", () -> Topics.size(kafka, first) == 1, Duration.ofSeconds(30));

            CliRun added = CliRun.of(concat("setup", db, "--table", "public.later"));
            assertThat(added.exitCode()).as(added.err()).isZero();
            assertThat(added.out()).contains("Asked the capture to snapshot the existing rows of [public.later]");
            CliRun optedOut = CliRun.of(concat("setup", db, "--table", "public.quiet", "--no-snapshot"));
            assertThat(optedOut.exitCode()).as(optedOut.err()).isZero();
            assertThat(optedOut.out()).doesNotContain("Asked the capture");

            Conditions.await("the added table's rows", () -> Topics.size(kafka, later) >= 30, Duration.ofSeconds(60));
            TestServices.execute(database, "INSERT INTO first VALUES (2, 'b'); UPDATE later SET v = 'new' WHERE id = 7; "
                    + "INSERT INTO quiet VALUES (6, 'streamed')");
            Conditions.await("the stream going on", () -> Topics.size(kafka, first) == 2 && Topics.size(kafka, later) == 31
                    && Topics.size(kafka, quiet) == 1, Duration.ofSeconds(30));
        }
        List<ConsumedChange> rows = Topics.read(kafka, later, 31, Duration.ofSeconds(5));
        assertThat(rows.subList(0, 30)).allSatisfy(row -> {
            JsonNode value = Json.parse(row.value());
            assertThat(value.get("op").asText()).isEqualTo("r");
            assertThat(value.get("source").get("snapshot").asText()).isEqualTo("incremental");
        });
        assertThat(rows.subList(0, 30).stream().map(row -> Json.parse(row.value()).get("after").get("id").asInt()).distinct().count())
                .isEqualTo(30);
        JsonNode update = Json.parse(rows.get(30).value());
        assertThat(update.get("op").asText()).isEqualTo("u");
        assertThat(update.get("after").get("v").asText()).isEqualTo("new");
        assertThat(Json.parse(Topics.read(kafka, quiet, 1, Duration.ofSeconds(5)).get(0).value()).get("op").asText())
                .as("--no-snapshot: only the streamed change").isEqualTo("c");
    }

    private static String[] concat(String command, String[] options, String... more) {
        String[] all = new String[1 + options.length + more.length];
        all[0] = command;
        System.arraycopy(options, 0, all, 1, options.length);
        System.arraycopy(more, 0, all, 1 + options.length, more.length);
        return all;
    }
}
