package dev.pgcdc.source.logical;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 2 MB row against a topic that takes 1 MB (a real broker's default) under each {@code --on-bad-record}
 * policy: {@code fail} stops with one line and a non-zero exit, the slot not confirmed past the row;
 * {@code dlq} and {@code skip} go on and the slot advances past it.
 */
class LogicalBadRecordIT {

    private static final int ONE_MB = 1024 * 1024;
    /** Random hex compresses poorly: well over 1 MB even after lz4. */
    private static final String BIG_ROW = "INSERT INTO t SELECT 2, string_agg(md5(random()::text), '') FROM generate_series(1, 65536)";

    @ParameterizedTest(name = "--on-bad-record {0}")
    @ValueSource(strings = {"fail", "dlq", "skip"})
    void rowLargerThanTheTopicLimit(String policy) throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("bad");
        String topic = prefix + ".public.t";
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY, payload text)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())
                    .configs(Map.of("max.message.bytes", Integer.toString(ONE_MB))))).all().get();
        }
        // Streaming only: the slot is new; an initial snapshot would read rows written after the start again.
        try (PgcdcProcess capture = PgcdcProcess.start("capture", "--mode", "logical", "--db", database.url(), "--user", database.user(),
                "--snapshot", "no_data",
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix, "--heartbeat-interval", "1s",
                "--on-bad-record", policy)) {
            assertThat(capture.awaitLine("Capturing slot", Duration.ofSeconds(60))).as(capture.output()).isTrue();
            assertThat(capture.output()).contains("Kafka takes records up to " + ONE_MB + " bytes");
            TestServices.execute(database, "INSERT INTO t VALUES (1, 'small')");
            TestServices.execute(database, BIG_ROW);
            // The insert position: the test server commits asynchronously, so the write position can still be before row 1.
            String bigRowWritten = TestServices.query(database, "SELECT pg_current_wal_insert_lsn()::text");
            TestServices.execute(database, "INSERT INTO t VALUES (3, 'small')");

            if (policy.equals("fail")) {
                assertThat(capture.awaitExit(Duration.ofSeconds(120))).as(capture.output()).isEqualTo(5);
                List<String> errors = capture.output().lines().filter(line -> line.startsWith("pgcdc: ")).toList();
                assertThat(errors).hasSize(1);
                assertThat(errors.get(0)).contains("Kafka refused a change for topic '" + topic + "'", "{\"id\":2}", "position ",
                        "max.message.bytes", "--on-bad-record");
                assertThat(LogicalSlotAdvanceIT.slotConfirmedPast(database, prefix, bigRowWritten)).as("slot not confirmed past the row").isFalse();
                // Row 3 may have reached Kafka before the refusal came back; it is not confirmed, so a restart sends it again.
                assertThat(Topics.read(kafka, topic, 2, Duration.ofSeconds(3))).extracting(ConsumedChange::key)
                        .contains("{\"id\":1}").doesNotContain("{\"id\":2}");
                return;
            }
            assertThat(Topics.read(kafka, topic, 2, Duration.ofSeconds(30))).extracting(ConsumedChange::key).as(capture.output())
                    .containsExactly("{\"id\":1}", "{\"id\":3}");
            String afterAll = TestServices.query(database, "SELECT pg_current_wal_insert_lsn()::text");
            Conditions.await("slot confirmed past the refused row", () -> LogicalSlotAdvanceIT.slotConfirmedPast(database, prefix, afterAll),
                    Duration.ofSeconds(30));
            if (policy.equals("dlq")) {
                List<ConsumedChange> letters = Topics.read(kafka, topic + ".dlq", 1, Duration.ofSeconds(30));
                assertThat(letters).extracting(ConsumedChange::key).containsExactly("{\"id\":2}");
                JsonNode letter = Json.parse(letters.get(0).value());
                assertThat(letter.get("topic").asText()).isEqualTo(topic);
                assertThat(letter.get("error").asText()).isNotBlank();
                assertThat(letter.get("value_chars").asInt()).isGreaterThan(2 * ONE_MB);
                assertThat(letter.get("value_prefix").asText()).startsWith("{");
            } else {
                assertThat(capture.output()).contains("Skipped a change Kafka refused for topic '" + topic + "'");
            }
            capture.terminate();
            assertThat(capture.awaitExit(Duration.ofSeconds(60))).as(capture.output()).isZero();
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }
}
