package dev.pgcdc.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.source.trigger.JournalSchema;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.TriggerCapture;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Primary-key changes as a compacted topic sees them: after the changes, the latest record per key equals
 * the table, and no key that no longer exists survives without a tombstone. Both capture modes.
 */
class KeyChangeIT {

    private static final TableId SALES = new TableId("public", "sales");
    /** 5 creates; three key changes of 3 records each (delete, tombstone, create); one update; a delete and its tombstone. */
    private static final int EXPECTED_RECORDS = 5 + 3 * 3 + 1 + 2;

    private final KafkaConfig kafka = TestServices.kafka();
    private final DatabaseConfig database = TestServices.newDatabase();

    @Test
    void logicalModeLeavesNoStaleKeyAfterPrimaryKeyChanges() throws Exception {
        TestServices.execute(database, "CREATE TABLE sales (id int PRIMARY KEY, amount int)");
        LogicalSetup.install(database, "pgcdc", List.of(SALES), false, false);
        String prefix = TestServices.uniqueName("keys");
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "pgcdc");
        try (Capture ignored = LogicalCapture.start(database, kafka, config)) {
            assertCompactedTopicEqualsTable(prefix + ".public.sales");
        } finally {
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
        }
    }

    @Test
    void triggerModeLeavesNoStaleKeyAfterPrimaryKeyChanges() throws Exception {
        TestServices.execute(database, "CREATE TABLE sales (id int PRIMARY KEY, amount int)");
        JournalSchema.install(database, List.of(SALES));
        String prefix = TestServices.uniqueName("keys");
        try (Capture ignored = TriggerCapture.start(database, kafka, new TriggerCaptureConfig(prefix, true, null, 500))) {
            assertCompactedTopicEqualsTable(prefix + ".public.sales");
        }
    }

    private void assertCompactedTopicEqualsTable(String topic) throws Exception {
        TestServices.execute(database, "INSERT INTO sales SELECT g, g * 10 FROM generate_series(1, 5) g");
        TestServices.execute(database, "UPDATE sales SET id = 501 WHERE id = 5");
        TestServices.execute(database, "UPDATE sales SET id = id + 100 WHERE id <= 2");
        TestServices.execute(database, "UPDATE sales SET amount = 31 WHERE id = 3");
        TestServices.execute(database, "DELETE FROM sales WHERE id = 4");

        List<ConsumedChange> records = Topics.read(kafka, topic, EXPECTED_RECORDS, Duration.ofSeconds(10));
        Map<String, String> latest = new HashMap<>();
        for (ConsumedChange record : records) {
            if (record.value() == null) {
                latest.remove(record.key());
            } else {
                latest.put(record.key(), Json.write(Json.parse(record.value()).get("after")));
            }
        }
        latest.values().removeIf("null"::equals);
        assertThat(latest).as("latest record per key, tombstones applied").isEqualTo(tableRows());

        ConsumedChange moved = records.stream().filter(r -> "{\"id\":501}".equals(r.key())).findFirst().orElseThrow();
        assertThat(moved.headers()).containsEntry("__debezium.oldkey", "{\"id\":5}");
        JsonNode delete = Json.parse(records.stream().filter(r -> "{\"id\":5}".equals(r.key()) && r.value() != null)
                .reduce((first, second) -> second).orElseThrow().value());
        assertThat(delete.get("op").asText()).isEqualTo("d");
        assertThat(delete.get("before").get("id").asInt()).isEqualTo(5);
    }

    /** key JSON -> row JSON, as the table holds them now. */
    private Map<String, String> tableRows() throws Exception {
        Map<String, String> rows = new HashMap<>();
        try (Connection connection = TestServices.connect(database);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT json_build_object('id', id)::text, row_to_json(s)::text FROM sales s")) {
            while (rs.next()) {
                rows.put(Json.write(Json.parse(rs.getString(1))), Json.write(Json.parse(rs.getString(2))));
            }
        }
        return rows;
    }
}
