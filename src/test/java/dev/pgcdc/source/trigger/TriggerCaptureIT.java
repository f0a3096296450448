package dev.pgcdc.source.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import dev.pgcdc.testing.TriggerCapture;
import dev.pgcdc.testing.TypeMatrix;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The trigger mode through a real PostgreSQL and a real Kafka broker. */
class TriggerCaptureIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final KafkaConfig kafka = TestServices.kafka();

    @Test
    void eachOperationBecomesADebeziumEventWithBeforeAndAfter() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("ops");
        TestServices.execute(database, "CREATE TABLE public.items (id int PRIMARY KEY, name text, price numeric(12,2))");
        JournalSchema.install(database, List.of(new TableId("public", "items")));
        try (Capture ignored = TriggerCapture.start(database, kafka, config(prefix, true));
             Connection connection = TestServices.connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO items VALUES (1, 'pen', 10.50)");
            statement.execute("UPDATE items SET price = 12.00, name = 'blue pen' WHERE id = 1");
            statement.execute("DELETE FROM items WHERE id = 1");
            statement.execute("INSERT INTO items VALUES (2, 'ink', 3.10)");
            statement.execute("TRUNCATE items");
            long txId = currentTxId(statement);

            List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.items", 6, WAIT);
            assertThat(records).hasSize(6);

            JsonNode insert = value(records.get(0));
            assertThat(records.get(0).key()).isEqualTo("{\"id\":1}");
            assertThat(insert.get("op").asText()).isEqualTo("c");
            assertThat(insert.get("before").isNull()).isTrue();
            assertThat(Json.write(insert.get("after"))).isEqualTo("{\"id\":1,\"name\":\"pen\",\"price\":10.50}");
            JsonNode source = insert.get("source");
            assertThat(source.get("connector").asText()).isEqualTo("pgcdc");
            assertThat(source.get("name").asText()).isEqualTo(prefix);
            assertThat(source.get("db").asText()).isEqualTo(database.url().substring(database.url().lastIndexOf('/') + 1));
            assertThat(source.get("schema").asText()).isEqualTo("public");
            assertThat(source.get("table").asText()).isEqualTo("items");
            assertThat(source.get("snapshot").asText()).isEqualTo("false");
            assertThat(source.get("txId").asLong()).isPositive().isLessThan(txId);
            assertThat(source.get("ts_ms").asLong()).isPositive();
            assertThat(source.get("version").asText()).isNotBlank();
            assertThat(Json.parse(source.get("sequence").asText()).isArray()).isTrue();
            assertThat(insert.get("ts_ms").asLong()).isGreaterThanOrEqualTo(source.get("ts_ms").asLong());

            JsonNode update = value(records.get(1));
            assertThat(update.get("op").asText()).isEqualTo("u");
            assertThat(Json.write(update.get("before"))).isEqualTo("{\"id\":1,\"name\":\"pen\",\"price\":10.50}");
            assertThat(Json.write(update.get("after"))).isEqualTo("{\"id\":1,\"name\":\"blue pen\",\"price\":12.00}");

            JsonNode delete = value(records.get(2));
            assertThat(records.get(2).key()).isEqualTo("{\"id\":1}");
            assertThat(delete.get("op").asText()).isEqualTo("d");
            assertThat(Json.write(delete.get("before"))).isEqualTo("{\"id\":1,\"name\":\"blue pen\",\"price\":12.00}");
            assertThat(delete.get("after").isNull()).isTrue();

            assertThat(records.get(3).key()).isEqualTo("{\"id\":1}");
            assertThat(records.get(3).value()).as("tombstone after delete").isNull();

            assertThat(value(records.get(4)).get("op").asText()).isEqualTo("c");
            JsonNode truncate = value(records.get(5));
            assertThat(truncate.get("op").asText()).isEqualTo("t");
            assertThat(records.get(5).key()).isNull();
            assertThat(truncate.get("before").isNull()).isTrue();
            assertThat(truncate.get("after").isNull()).isTrue();
        }
    }

    @Test
    void typeMatrixIsEncodedExactlyAsRowToJson() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("types");
        TypeMatrix.create(database);
        JournalSchema.install(database, List.of(TypeMatrix.TABLE));
        try (Capture ignored = TriggerCapture.start(database, kafka, config(prefix, true))) {
            TypeMatrix.insertFromAForeignSession(database);
            ConsumedChange record = Topics.read(kafka, prefix + ".public.everything", 1, WAIT).get(0);
            String expected = TypeMatrix.rowToJson(database);

            assertThat(TypeMatrix.afterText(record.value())).isEqualTo(expected);
            JsonNode row = Json.parse(expected);
            assertThat(row.get("n").decimalValue()).isEqualByComparingTo("123456789012345678901234567890.123456789");
            assertThat(row.get("r_nan").asText()).isEqualTo("NaN");
            assertThat(row.get("tstz").asText()).isEqualTo("2024-02-29T11:14:15.5Z");
            assertThat(row.get("looks_like_tstz").asText()).as("a text value stays as written").isEqualTo("2024-01-01T00:00:00+00:00");
            assertThat(row.get("j").get("a").get(0).decimalValue().toPlainString()).isEqualTo("1.50");
            assertThat(row.get("ints").isArray()).isTrue();
            assertThat(row.get("nothing").isNull()).isTrue();
        }
    }

    @Test
    void changesMadeWhileCaptureIsStoppedAreDeliveredInOrderOnRestart() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("restart");
        TestServices.execute(database, "CREATE TABLE counters (id int PRIMARY KEY, n int)");
        JournalSchema.install(database, List.of(new TableId("public", "counters")));
        try (Capture ignored = TriggerCapture.start(database, kafka, config(prefix, false))) {
            TestServices.execute(database, "INSERT INTO counters VALUES (1, 0)");
            assertThat(Topics.read(kafka, prefix + ".public.counters", 1, WAIT)).hasSize(1);
        }
        for (int n = 1; n <= 50; n++) {
            TestServices.execute(database, "UPDATE counters SET n = " + n + " WHERE id = 1");
        }
        assertThat(TestServices.query(database, "SELECT count(*) FROM pgcdc.journal")).isEqualTo("50");
        try (Capture ignored = TriggerCapture.start(database, kafka, config(prefix, false))) {
            List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.counters", 51, WAIT);
            assertThat(records).hasSize(51);
            for (int n = 1; n <= 50; n++) {
                assertThat(value(records.get(n)).get("after").get("n").asInt()).isEqualTo(n);
            }
            awaitEmptyJournal(database);
        }
    }

    @Test
    void transactionCommittingAfterALaterJournalIdWasReadIsNotSkipped() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("interleave");
        String topic = prefix + ".public.orders";
        TestServices.execute(database, "CREATE TABLE orders (id int PRIMARY KEY, what text)");
        JournalSchema.install(database, List.of(new TableId("public", "orders")));
        try (Capture ignored = TriggerCapture.start(database, kafka, config(prefix, true));
             Connection slow = TestServices.connect(database);
             Statement slowStatement = slow.createStatement()) {
            slow.setAutoCommit(false);
            slowStatement.execute("INSERT INTO orders VALUES (1, 'slow: journal id first, commits last')");
            TestServices.execute(database, "INSERT INTO orders VALUES (2, 'fast: later journal id, commits first')");

            assertThat(Topics.read(kafka, topic, 1, WAIT)).singleElement()
                    .satisfies(record -> assertThat(record.key()).isEqualTo("{\"id\":2}"));
            awaitEmptyJournal(database); // the slow transaction's row is not visible yet

            slow.commit();
            List<ConsumedChange> records = Topics.read(kafka, topic, 2, WAIT);
            assertThat(records).extracting(ConsumedChange::key).containsExactly("{\"id\":2}", "{\"id\":1}");
            assertThat(slowJournalIdIsLower(records)).isTrue();
            awaitEmptyJournal(database);
        }
    }

    @Test
    void sourceTimestampIsTheCommitTimeOfTheTransaction() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("commit_ts");
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");
        JournalSchema.install(database, List.of(new TableId("public", "t")));
        try (Capture ignored = TriggerCapture.start(database, kafka, config(prefix, true));
             Connection connection = TestServices.connect(database);
             Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("INSERT INTO t VALUES (1)");
            long txId = currentTxId(statement);
            statement.execute("SELECT pg_sleep(0.3)"); // time is the subject: the commit comes well after the change
            connection.commit();

            JsonNode source = value(Topics.read(kafka, prefix + ".public.t", 1, WAIT).get(0)).get("source");
            String committedAt = TestServices.query(database, "SELECT floor(extract(epoch FROM pg_xact_commit_timestamp(("
                    + txId + " % 4294967296)::text::xid)) * 1000)::bigint");
            assertThat(source.get("ts_ms").asLong()).isEqualTo(Long.parseLong(committedAt));
        }
    }

    @Test
    void keysFollowTheTableDefinitionWhenAPrimaryKeyIsAddedOrTheTableRenamed() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("rekey");
        TestServices.execute(database, "CREATE TABLE t (id int NOT NULL, v text)");
        JournalSchema.install(database, List.of(new TableId("public", "t")));
        try (Capture ignored = TriggerCapture.start(database, kafka, config(prefix, false))) {
            TestServices.execute(database, "INSERT INTO t VALUES (1, 'before the key')");
            assertThat(Topics.read(kafka, prefix + ".public.t", 1, WAIT)).extracting(ConsumedChange::key).containsExactly((String) null);
            TestServices.execute(database, "ALTER TABLE t ADD PRIMARY KEY (id)");
            TestServices.execute(database, "INSERT INTO t VALUES (2, 'after the key')");
            assertThat(Topics.read(kafka, prefix + ".public.t", 2, WAIT)).extracting(ConsumedChange::key)
                    .containsExactly(null, "{\"id\":2}");
        }
        TestServices.execute(database, "INSERT INTO t VALUES (3, 'changed while capture was stopped')");
        TestServices.execute(database, "ALTER TABLE t RENAME TO renamed");
        try (Capture ignored = TriggerCapture.start(database, kafka, config(prefix, false))) {
            List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.t", 3, WAIT);
            assertThat(records).extracting(ConsumedChange::key).as("found by the table's oid after the rename")
                    .containsExactly(null, "{\"id\":2}", "{\"id\":3}");
        }
    }

    @Test
    void tenMegabyteRowAndIdenticalRowsInOneTransactionAreAllDelivered() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("sizes");
        TestServices.execute(database, "CREATE TABLE notes (body text); CREATE TABLE docs (id int PRIMARY KEY, body text)");
        JournalSchema.install(database, List.of(new TableId("public", "notes"), new TableId("public", "docs")));
        String big = randomText(10 * 1024 * 1024);
        try (Capture ignored = TriggerCapture.start(database, kafka, config(prefix, true));
             Connection connection = TestServices.connect(database)) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO notes VALUES ('same'), ('same')");
            }
            connection.commit();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO docs VALUES (1, ?)")) {
                insert.setString(1, big);
                insert.executeUpdate();
            }
            connection.commit();

            List<ConsumedChange> notes = Topics.read(kafka, prefix + ".public.notes", 2, WAIT);
            assertThat(notes).hasSize(2).allSatisfy(record -> {
                assertThat(record.key()).as("no primary key, no key").isNull();
                assertThat(Json.write(value(record).get("after"))).isEqualTo("{\"body\":\"same\"}");
            });
            List<ConsumedChange> docs = Topics.read(kafka, prefix + ".public.docs", 1, WAIT);
            assertThat(docs).singleElement().satisfies(record ->
                    assertThat(value(record).get("after").get("body").asText()).isEqualTo(big));
        }
    }

    @Test
    void rolledBackTransactionEmitsNothing() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("rollback");
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");
        JournalSchema.install(database, List.of(new TableId("public", "t")));
        try (Capture ignored = TriggerCapture.start(database, kafka, config(prefix, true));
             Connection connection = TestServices.connect(database)) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO t VALUES (1)");
                connection.rollback();
                statement.execute("INSERT INTO t VALUES (2)");
                connection.commit();
            }
            List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.t", 10, Duration.ofSeconds(5));
            assertThat(records).extracting(ConsumedChange::key).containsExactly("{\"id\":2}");
        }
    }

    @Test
    void teardownRemovesEveryPgcdcObjectAndKeepsUserData() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TABLE keep (id int PRIMARY KEY); INSERT INTO keep VALUES (1), (2)");
        JournalSchema.install(database, List.of(new TableId("public", "keep")));
        TestServices.execute(database, "INSERT INTO keep VALUES (3)");

        assertThat(TestServices.query(database, "SELECT count(*) FROM pgcdc.journal")).isEqualTo("1");
        assertThat(catchThrowable(() -> JournalSchema.teardown(database, false)))
                .hasMessageContaining("1 undelivered change(s)");

        assertThat(JournalSchema.teardown(database, true)).containsExactly(new TableId("public", "keep"));
        assertThat(TestServices.query(database, "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgcdc'")).isEqualTo("0");
        assertThat(TestServices.query(database, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'pgcdc%'")).isEqualTo("0");
        assertThat(TestServices.query(database, "SELECT count(*) FROM pg_proc WHERE proname LIKE 'journal_%'")).isEqualTo("0");
        assertThat(TestServices.query(database, "SELECT string_agg(id::text, ',' ORDER BY id) FROM keep")).isEqualTo("1,2,3");
        TestServices.execute(database, "INSERT INTO keep VALUES (4)");
        assertThat(JournalSchema.teardown(database, false)).isEmpty();
    }

    private static TriggerCaptureConfig config(String prefix, boolean tombstones) {
        return new TriggerCaptureConfig(prefix, tombstones, Duration.ofMillis(200), 500);
    }

    private static JsonNode value(ConsumedChange record) {
        return Json.parse(record.value());
    }

    private static boolean slowJournalIdIsLower(List<ConsumedChange> records) {
        long fast = journalId(records.get(0));
        long slow = journalId(records.get(1));
        return slow < fast;
    }

    private static long journalId(ConsumedChange record) {
        JsonNode sequence = Json.parse(value(record).get("source").get("sequence").asText());
        return sequence.get(1).asLong();
    }

    private static long currentTxId(Statement statement) throws Exception {
        try (ResultSet rs = statement.executeQuery("SELECT txid_current()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void awaitEmptyJournal(DatabaseConfig database) throws Exception {
        Conditions.await("journal drained", () -> {
            try {
                return TestServices.query(database, "SELECT count(*) FROM pgcdc.journal").equals("0");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }, WAIT);
    }

    private static String randomText(int length) {
        Random random = new Random(42);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
