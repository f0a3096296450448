package dev.pgcdc.downstream;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.SkippedOperations;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.source.trigger.JournalSchema;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import dev.pgcdc.testing.TriggerCapture;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Apache Flink SQL (local mini-cluster, the built-in {@code debezium-json} format, a bounded Kafka source)
 * rebuilds a table from pgcdc's topics, as the README's recipe tells a user to: its materialised result
 * equals the source table, in logical mode after a default setup and in trigger mode.
 */
class FlinkSqlIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final TableId ORDERS = new TableId("public", "orders");
    /** Rows each collecting sink received, by sink id: Flink serialises the sink, so it writes to a static map. */
    private static final Map<String, List<Row>> RECEIVED = new ConcurrentHashMap<>();

    private static final String WORKLOAD = """
            INSERT INTO orders VALUES
              (1, 'Ana', 1234567890123456789012.12345678, '{"a": [1.5, null], "b": "x"}', ARRAY[1, 2, NULL], '2024-03-10 12:34:57.123457+01'),
              (2, NULL, NULL, NULL, NULL, NULL),
              (3, 'Bruno', -0.00000001, '[]', ARRAY[]::int[], '1999-12-31 23:59:59+00'),
              (4, 'Caio', 9999999999999999999999.99999999, '{"n": 1}', ARRAY[7], '2024-01-01 00:00:00.5-03');
            UPDATE orders SET amount = amount + 1, doc = '{"c": true}' WHERE id = 1;
            UPDATE orders SET id = 10 WHERE id = 3;
            UPDATE orders SET customer = 'no longer null' WHERE id = 2;
            DELETE FROM orders WHERE id = 4;
            INSERT INTO orders VALUES (999, 'last', 0, NULL, NULL, now());""";
    /** Records the workload puts on the topic: 4 + 1 + 3 (delete, tombstone, create) + 1 + 2 (delete, tombstone) + 1. */
    private static final int WORKLOAD_RECORDS = 12;

    private final KafkaConfig kafka = TestServices.kafka();
    private final DatabaseConfig database = TestServices.newDatabase();

    @Test
    void flinkRebuildsTheSourceTableFromTheLogicalModeTopicAfterADefaultSetup() throws Exception {
        String prefix = TestServices.uniqueName("flinkl");
        createOrders();
        LogicalSetup.install(database, "pgcdc", List.of(ORDERS), false, true); // what `setup --mode logical` does by default
        try (Capture ignored = LogicalCapture.start(database, kafka, LogicalCapture.config(prefix, "pgcdc"))) {
            TestServices.execute(database, WORKLOAD);
            awaitRecords(prefix, WORKLOAD_RECORDS);
        } finally {
            LogicalSetup.teardown(database, prefix.toLowerCase(), "pgcdc");
        }
        assertThat(flinkTable(prefix)).containsExactlyInAnyOrderElementsOf(sourceTable());
    }

    @Test
    void flinkRebuildsTheSourceTableFromTheTriggerModeTopic() throws Exception {
        String prefix = TestServices.uniqueName("flinkt");
        createOrders();
        JournalSchema.install(database, List.of(ORDERS));
        try (Capture ignored = TriggerCapture.start(database, kafka, new TriggerCaptureConfig(prefix, true, Duration.ofMillis(50), 500))) {
            TestServices.execute(database, WORKLOAD);
            awaitRecords(prefix, WORKLOAD_RECORDS);
        }
        assertThat(flinkTable(prefix)).containsExactlyInAnyOrderElementsOf(sourceTable());
    }

    @Test
    void withTruncatesSkippedAWorkloadWithATruncateRunsThroughAndKeepsTheTruncatedRows() throws Exception {
        String prefix = TestServices.uniqueName("flinkx");
        createOrders();
        JournalSchema.install(database, List.of(ORDERS));
        TriggerCaptureConfig config = new TriggerCaptureConfig(prefix, true, Duration.ofMillis(50), 500, SkippedOperations.parse("t"));
        List<String> truncated;
        try (Capture ignored = TriggerCapture.start(database, kafka, config)) {
            TestServices.execute(database, "INSERT INTO orders VALUES (1, 'Ana', 1.5, NULL, NULL, NULL), (2, 'Bia', 2.5, NULL, NULL, NULL)");
            truncated = sourceTable();
            TestServices.execute(database, "TRUNCATE orders; INSERT INTO orders VALUES (3, 'Caio', 3.5, '{}', ARRAY[1], now())");
            awaitRecords(prefix, 3);
        }
        List<String> expected = new ArrayList<>(truncated);
        expected.addAll(sourceTable());
        assertThat(flinkTable(prefix)).as("a truncate is not propagated: its rows stay").containsExactlyInAnyOrderElementsOf(expected);
    }

    private void createOrders() {
        TestServices.execute(database, "CREATE TABLE orders (id bigint PRIMARY KEY, customer text, amount numeric(38,8), doc jsonb, "
                + "tags int[], paid_at timestamptz)");
    }

    private void awaitRecords(String prefix, int records) throws InterruptedException {
        Conditions.await(records + " records on the topic", () -> Topics.size(kafka, prefix + ".public.orders") >= records, WAIT);
    }

    /** The README's Flink SQL recipe: the table's topic read to its current end, materialised. */
    private List<String> flinkTable(String prefix) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.executeSql("""
                CREATE TABLE orders (
                  id BIGINT,
                  customer STRING,
                  amount DECIMAL(38, 8),
                  doc STRING,
                  tags ARRAY<INT>,
                  paid_at TIMESTAMP_LTZ(6)
                ) WITH (
                  'connector' = 'kafka',
                  'topic' = '%s.public.orders',
                  'properties.bootstrap.servers' = '%s',
                  'scan.startup.mode' = 'earliest-offset',
                  'scan.bounded.mode' = 'latest-offset',
                  'format' = 'debezium-json',
                  'debezium-json.timestamp-format.standard' = 'ISO-8601'
                )""".formatted(prefix, kafka.bootstrapServers()));
        String sinkId = UUID.randomUUID().toString();
        RECEIVED.put(sinkId, new ArrayList<>());
        tables.toChangelogStream(tables.sqlQuery("SELECT id, customer, amount, doc, tags, paid_at FROM orders"))
                .sinkTo(new CollectingSink(sinkId));
        env.execute("pgcdc-" + prefix);
        List<String> table = new ArrayList<>();
        for (Row row : RECEIVED.remove(sinkId)) {
            String canonical = canonical(row.getField(0), (String) row.getField(1), (BigDecimal) row.getField(2), (String) row.getField(3),
                    (Integer[]) row.getField(4), (Instant) row.getField(5));
            if (row.getKind() == RowKind.INSERT || row.getKind() == RowKind.UPDATE_AFTER) {
                table.add(canonical);
            } else {
                assertThat(table.remove(canonical)).as("retracted row %s was in the table", canonical).isTrue();
            }
        }
        return table;
    }

    private List<String> sourceTable() throws SQLException {
        try (Connection connection = TestServices.connect(database); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id, customer, amount, doc::text, tags, paid_at FROM orders")) {
            List<String> table = new ArrayList<>();
            while (rows.next()) {
                OffsetDateTime paidAt = rows.getObject(6, OffsetDateTime.class);
                table.add(canonical(rows.getLong(1), rows.getString(2), rows.getBigDecimal(3), rows.getString(4),
                        rows.getArray(5) == null ? null : (Integer[]) rows.getArray(5).getArray(), paidAt == null ? null : paidAt.toInstant()));
            }
            return table;
        }
    }

    /** One row as comparable text: numerics with their scale, json by value, arrays element by element, instants in UTC. */
    private static String canonical(Object id, String customer, BigDecimal amount, String doc, Integer[] tags, Instant paidAt) {
        return id + "|" + customer + "|" + (amount == null ? null : amount.toPlainString()) + "|"
                + (doc == null ? null : Json.write(Json.parse(doc))) + "|" + Arrays.toString(tags) + "|" + paidAt;
    }

    /** Collects every changelog row, in order, into {@link #RECEIVED}. */
    private record CollectingSink(String id) implements Sink<Row> {
        @Override
        public SinkWriter<Row> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Row row, Context writeContext) {
                    RECEIVED.get(id).add(row);
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
