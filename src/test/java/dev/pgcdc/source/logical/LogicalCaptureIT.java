package dev.pgcdc.source.logical;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.source.trigger.JournalSchema;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import dev.pgcdc.testing.TriggerCapture;
import dev.pgcdc.testing.TypeMatrix;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The logical mode through a real PostgreSQL (wal_level=logical) and a real Kafka broker. */
class LogicalCaptureIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final KafkaConfig kafka = TestServices.kafka();

    @Test
    void operationsUnderReplicaIdentityDefault() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("ld");
        TestServices.execute(database, "CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(12,2)); "
                + "CREATE TABLE other (id int PRIMARY KEY)");
        LogicalSetup.install(database, "pgcdc", tables("items", "other"), false, false);
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "pgcdc");
        try (Capture ignored = LogicalCapture.start(database, kafka, config)) {
            TestServices.execute(database, "INSERT INTO items VALUES (1, 'pen', 10.50)");
            TestServices.execute(database, "UPDATE items SET price = 12.00 WHERE id = 1");
            TestServices.execute(database, "UPDATE items SET id = 2 WHERE id = 1");
            TestServices.execute(database, "DELETE FROM items WHERE id = 2");
            TestServices.execute(database, "INSERT INTO other VALUES (1); TRUNCATE items, other");

            List<ConsumedChange> items = Topics.read(kafka, prefix + ".public.items", 8, WAIT);
            assertThat(items).extracting(r -> r.value() == null ? "tombstone" : value(r).get("op").asText())
                    .containsExactly("c", "u", "d", "tombstone", "c", "d", "tombstone", "t");
            JsonNode insert = value(items.get(0));
            assertThat(Json.write(insert.get("after"))).isEqualTo("{\"id\":1,\"name\":\"pen\",\"price\":10.50}");
            JsonNode source = insert.get("source");
            assertThat(source.get("connector").asText()).isEqualTo("pgcdc");
            assertThat(source.get("lsn").asLong()).isPositive();
            assertThat(source.get("txId").asLong()).isPositive();
            assertThat(Json.parse(source.get("sequence").asText()).size()).isEqualTo(2);
            assertThat(items.get(0).key()).isEqualTo("{\"id\":1}");

            JsonNode update = value(items.get(1));
            assertThat(update.get("before").isNull()).as("DEFAULT sends no old image when the key is unchanged").isTrue();
            assertThat(Json.write(update.get("after"))).isEqualTo("{\"id\":1,\"name\":\"pen\",\"price\":12.00}");

            // A key change is what Debezium emits: delete of the old key, its tombstone, create of the new key.
            JsonNode keyChange = value(items.get(2));
            assertThat(Json.write(keyChange.get("before"))).isEqualTo("{\"id\":1}");
            assertThat(items.get(2).key()).isEqualTo("{\"id\":1}");
            assertThat(items.get(3).key()).isEqualTo("{\"id\":1}");
            assertThat(items.get(4).key()).isEqualTo("{\"id\":2}");
            assertThat(items.get(4).headers()).containsEntry("__debezium.oldkey", "{\"id\":1}");

            JsonNode delete = value(items.get(5));
            assertThat(Json.write(delete.get("before"))).isEqualTo("{\"id\":2}");
            assertThat(items.get(5).key()).isEqualTo("{\"id\":2}");
            assertThat(items.get(6).key()).isEqualTo("{\"id\":2}");
            assertThat(items.get(7).key()).isNull();

            List<ConsumedChange> other = Topics.read(kafka, prefix + ".public.other", 2, WAIT);
            assertThat(other).extracting(r -> value(r).get("op").asText()).containsExactly("c", "t");

            List<ConsumedChange> transactions = Topics.read(kafka, prefix + ".transaction", 10, WAIT);
            assertThat(transactions).extracting(r -> value(r).get("status").asText())
                    .containsExactly("BEGIN", "END", "BEGIN", "END", "BEGIN", "END", "BEGIN", "END", "BEGIN", "END");
            JsonNode lastEnd = value(transactions.get(9));
            assertThat(lastEnd.get("event_count").asLong()).isEqualTo(3);
            assertThat(Json.write(lastEnd.get("data_collections"))).isEqualTo("[{\"data_collection\":\"public.other\",\"event_count\":2},"
                    + "{\"data_collection\":\"public.items\",\"event_count\":1}]");
            assertThat(transactions.get(9).key()).isEqualTo("{\"id\":\"" + lastEnd.get("id").asText() + "\"}");
            JsonNode truncateBlock = value(items.get(7)).get("transaction");
            assertThat(truncateBlock.get("id").asText()).isEqualTo(lastEnd.get("id").asText());
            assertThat(truncateBlock.get("total_order").asLong()).isEqualTo(2);
            assertThat(truncateBlock.get("data_collection_order").asLong()).isEqualTo(1);
            assertThat(value(other.get(1)).get("source").get("txId").asLong())
                    .isEqualTo(value(items.get(7)).get("source").get("txId").asLong());
        } finally {
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
        }
    }

    @Test
    void updatesAndDeletesCarryTheWholeOldRowUnderReplicaIdentityFull() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("lf");
        TestServices.execute(database, "CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(12,2))");
        LogicalSetup.install(database, "pgcdc", tables("items"), false, true);
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "pgcdc");
        try (Capture ignored = LogicalCapture.start(database, kafka, config)) {
            TestServices.execute(database, "INSERT INTO items VALUES (1, 'pen', 10.50)");
            TestServices.execute(database, "UPDATE items SET price = 12.00 WHERE id = 1");
            TestServices.execute(database, "DELETE FROM items WHERE id = 1");

            List<ConsumedChange> items = Topics.read(kafka, prefix + ".public.items", 4, WAIT);
            assertThat(Json.write(value(items.get(1)).get("before"))).isEqualTo("{\"id\":1,\"name\":\"pen\",\"price\":10.50}");
            assertThat(Json.write(value(items.get(2)).get("before"))).isEqualTo("{\"id\":1,\"name\":\"pen\",\"price\":12.00}");
            assertThat(items.get(2).key()).as("key is the primary key, not every FULL column").isEqualTo("{\"id\":1}");
            assertThat(items.get(3).value()).isNull();
        } finally {
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
        }
    }

    @Test
    void typeMatrixMatchesRowToJsonAndTheTriggerMode() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("lt");
        TypeMatrix.create(database);
        LogicalSetup.install(database, "pgcdc", List.of(TypeMatrix.TABLE), false, false);
        JournalSchema.install(database, List.of(TypeMatrix.TABLE));
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "pgcdc");
        try (Capture logical = LogicalCapture.start(database, kafka, config);
             Capture trigger = TriggerCapture.start(database, kafka, new TriggerCaptureConfig(prefix + "_t", true, Duration.ofMillis(200), 500))) {
            TypeMatrix.insertFromAForeignSession(database);
            String expected = TypeMatrix.rowToJson(database);
            String fromLogical = TypeMatrix.afterText(Topics.read(kafka, prefix + ".public.everything", 1, WAIT).get(0).value());
            String fromTrigger = TypeMatrix.afterText(Topics.read(kafka, prefix + "_t.public.everything", 1, WAIT).get(0).value());
            assertThat(fromLogical).isEqualTo(expected);
            assertThat(fromTrigger).isEqualTo(expected);
            assertThat(logical.isRunning() && trigger.isRunning()).isTrue();
        } finally {
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
        }
    }

    @Test
    void unchangedToastedColumnIsNeverMadeUp() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("toast");
        TestServices.execute(database, "CREATE TABLE docs (id int PRIMARY KEY, title text, body text); "
                + "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL; "
                + "CREATE TABLE full_docs (id int PRIMARY KEY, title text, body text); "
                + "ALTER TABLE full_docs ALTER COLUMN body SET STORAGE EXTERNAL; ALTER TABLE full_docs REPLICA IDENTITY FULL");
        LogicalSetup.install(database, "pgcdc", tables("docs", "full_docs"), false, false);
        String body = randomText(20_000);
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "pgcdc");
        try (Capture ignored = LogicalCapture.start(database, kafka, config);
             Connection connection = TestServices.connect(database)) {
            for (String table : List.of("docs", "full_docs")) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (1, 'a', ?)")) {
                    insert.setString(1, body);
                    insert.executeUpdate();
                }
                TestServices.execute(database, "UPDATE " + table + " SET title = 'b' WHERE id = 1");
            }
            JsonNode update = value(Topics.read(kafka, prefix + ".public.docs", 2, WAIT).get(1));
            assertThat(Json.write(update.get("after"))).isEqualTo("{\"id\":1,\"title\":\"b\"}");
            assertThat(Json.write(update.get("unavailable_columns"))).isEqualTo("[\"body\"]");

            JsonNode fullUpdate = value(Topics.read(kafka, prefix + ".public.full_docs", 2, WAIT).get(1));
            assertThat(fullUpdate.get("after").get("body").asText()).isEqualTo(body);
            assertThat(fullUpdate.has("unavailable_columns")).isFalse();
        } finally {
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
        }
    }

    @Test
    void reconnectsWhenTheWalSenderIsTerminatedAndResumesFromTheSlot() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("lr");
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");
        LogicalSetup.install(database, "pgcdc", tables("t"), false, false);
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "pgcdc");
        try (Capture capture = LogicalCapture.start(database, kafka, config)) {
            TestServices.execute(database, "INSERT INTO t VALUES (1)");
            assertThat(Topics.read(kafka, prefix + ".public.t", 1, WAIT)).hasSize(1);
            TestServices.execute(database, "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '"
                    + config.slot() + "'");
            for (int id = 2; id <= 20; id++) {
                TestServices.execute(database, "INSERT INTO t VALUES (" + id + ")");
            }
            List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.t", 20, WAIT);
            assertThat(records.stream().map(ConsumedChange::key).distinct()).hasSize(20);
            assertThat(capture.isRunning()).isTrue();
        } finally {
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
        }
    }

    private static List<TableId> tables(String... names) {
        return Arrays.stream(names).map(name -> new TableId("public", name)).toList();
    }

    private static JsonNode value(ConsumedChange record) {
        return Json.parse(record.value());
    }

    private static String randomText(int length) {
        Random random = new Random(7);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('!' + random.nextInt(90)));
        }
        return text.toString();
    }
}
