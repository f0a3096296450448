package dev.pgcdc.source.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.NotifyCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The notify mode through a real PostgreSQL and a real Kafka broker. */
class NotifyCaptureIT {

    private final KafkaConfig kafka = TestServices.kafka();

    @Test
    void burstOfTenThousandInsertsIsDeliveredExactlyOnce() throws Exception {
        DatabaseConfig database = tutorialDatabase();
        String topic = TestServices.uniqueName("burst");
        int writers = 4;
        int perWriter = 2_500;
        try (Capture capture = start(database, new NotifyCaptureConfig(List.of("sales_channel"), topic, null))) {
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> insertSales(database, perWriter)));
            }
            for (Future<?> writer : done) {
                writer.get();
            }
            pool.shutdown();

            List<ConsumedChange> records = Topics.read(kafka, topic, writers * perWriter, Duration.ofSeconds(30));

            assertThat(records).hasSize(writers * perWriter);
            List<Long> ids = records.stream().map(r -> Json.parse(r.value()).get("id").asLong()).toList();
            assertThat(new HashSet<>(ids)).hasSize(writers * perWriter)
                    .isEqualTo(LongStream.rangeClosed(1, writers * perWriter).boxed().collect(Collectors.toSet()));
            assertThat(capture.delivered()).isEqualTo(writers * perWriter);
        }
    }

    @Test
    void reconnectsAfterBackendIsTerminatedAndLaterInsertsArrive() throws Exception {
        DatabaseConfig database = tutorialDatabase();
        String topic = TestServices.uniqueName("reconnect");
        try (Capture capture = start(database, new NotifyCaptureConfig(List.of("sales_channel"), topic, null));
             Connection connection = TestServices.connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO sales (customer_name, amount) VALUES ('before', 1.00)");
            assertThat(Topics.read(kafka, topic, 1, Duration.ofSeconds(20))).hasSize(1);

            try (ResultSet killed = statement.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    + "WHERE application_name = '" + NotifySource.APPLICATION_NAME + "' AND datname = current_database()")) {
                killed.next();
                assertThat(killed.getInt(1)).isEqualTo(1);
            }

            // The new LISTEN is in place once a probe row inserted after it arrives; rows before may be lost.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int seen = 1;
            while (System.nanoTime() < deadline && seen < 2) {
                statement.execute("INSERT INTO sales (customer_name, amount) VALUES ('probe', 2.00)");
                Thread.sleep(300);
                seen = Topics.read(kafka, topic, 100, Duration.ofSeconds(2)).size();
            }
            assertThat(seen).as("a row inserted after the reconnect arrives").isGreaterThan(1);

            for (int i = 0; i < 10; i++) {
                statement.execute("INSERT INTO sales (customer_name, amount) VALUES ('after-" + i + "', 3.00)");
            }
            List<ConsumedChange> all = Topics.read(kafka, topic, seen + 10, Duration.ofSeconds(20));
            assertThat(all.subList(seen, all.size()))
                    .extracting(r -> Json.parse(r.value()).get("customer_name").asText())
                    .containsExactly("after-0", "after-1", "after-2", "after-3", "after-4",
                            "after-5", "after-6", "after-7", "after-8", "after-9");
            assertThat(capture.isRunning()).isTrue();
        }
    }

    @Test
    void payloadThatIsNotJsonGoesToDeadLetterTopicAndCaptureContinues() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String channel = TestServices.uniqueName("orders");
        try (Capture capture = start(database, new NotifyCaptureConfig(List.of(channel), null, "order_id"));
             Connection connection = TestServices.connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_notify('" + channel + "', 'not {json')");
            statement.execute("SELECT pg_notify('" + channel + "', '{\"order_id\": 7, \"total\": 10.50}')");

            List<ConsumedChange> dead = Topics.read(kafka, channel + ".dlq", 1, Duration.ofSeconds(20));
            List<ConsumedChange> good = Topics.read(kafka, channel, 1, Duration.ofSeconds(20));

            assertThat(dead).singleElement().satisfies(record -> {
                assertThat(record.value()).isEqualTo("not {json");
                assertThat(record.headers().get("pgcdc.error")).startsWith("payload is not valid JSON");
                assertThat(record.headers()).containsEntry("pgcdc.channel", channel);
            });
            assertThat(good).singleElement().satisfies(record -> {
                assertThat(record.value()).isEqualTo("{\"order_id\": 7, \"total\": 10.50}");
                assertThat(record.key()).isEqualTo("{\"order_id\":7}");
            });
            assertThat(capture.isRunning()).isTrue();
        }
    }

    @Test
    void setupIsIdempotentOnDatabasePreparedByHand() throws Exception {
        DatabaseConfig database = tutorialDatabase();
        TutorialSchema.install(database);
        TutorialSchema.install(database);
        try (Connection connection = TestServices.connect(database);
             Statement statement = connection.createStatement();
             ResultSet triggers = statement.executeQuery(
                     "SELECT count(*) FROM pg_trigger WHERE tgname = 'sales_trigger' AND NOT tgisinternal")) {
            triggers.next();
            assertThat(triggers.getInt(1)).isEqualTo(1);
        }
        String topic = TestServices.uniqueName("setup");
        try (Capture ignored = start(database, new NotifyCaptureConfig(List.of("sales_channel"), topic, null))) {
            TestServices.execute(database, "INSERT INTO sales (customer_name, amount) VALUES ('Product A', 10)");
            JsonNode row = Json.parse(Topics.read(kafka, topic, 1, Duration.ofSeconds(20)).get(0).value());
            assertThat(row.get("amount").decimalValue()).isEqualByComparingTo("10.00");
            assertThat(Json.write(row.get("amount"))).isEqualTo("10.00");
        }
    }

    private Capture start(DatabaseConfig database, NotifyCaptureConfig config) {
        KafkaClusterCheck.ensureTopics(kafka, config.topics(), Duration.ofSeconds(30));
        return Capture.start(NotifySource.open(database, config), new KafkaSink(kafka, config.topics()));
    }

    private static DatabaseConfig tutorialDatabase() {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.executeResource(database, "/tutorial/schema.sql");
        return database;
    }

    private static Void insertSales(DatabaseConfig database, int rows) throws Exception {
        try (Connection connection = TestServices.connect(database);
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO sales (customer_name, amount) VALUES (?, ?)")) {
            for (int i = 0; i < rows; i++) {
                insert.setString(1, "customer " + i);
                insert.setBigDecimal(2, new BigDecimal("10.50"));
                insert.executeUpdate();
            }
        }
        return null;
    }
}
