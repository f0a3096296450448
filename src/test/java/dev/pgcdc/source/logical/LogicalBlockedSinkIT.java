package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.embedded.EmbeddedKafkaBroker;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broker stopped for far longer than {@code wal_sender_timeout}, so the sink blocks (a full producer
 * buffer, a flush that waits): the reader keeps answering the walsender, which survives, the return of Kafka
 * is said, and nothing is streamed twice once the broker is back.
 */
class LogicalBlockedSinkIT {

    private static final Duration WAL_SENDER_TIMEOUT = Duration.ofSeconds(5);

    @Test
    void walSenderSurvivesASinkBlockedLongerThanItsTimeoutAndNothingIsReplayed() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("blocked");
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY, payload text)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
        LogicalCaptureConfig config = new LogicalCaptureConfig(prefix, "pgcdc", prefix, false, Duration.ofSeconds(1), false);
        List<String> topics = LogicalSource.topicsOfPublishedTables(database, config);
        List<String> notices = new CopyOnWriteArrayList<>();
        TestServices.execute(database, "ALTER SYSTEM SET wal_sender_timeout = '" + WAL_SENDER_TIMEOUT.toSeconds() + "s'; SELECT pg_reload_conf()");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaConfig kafka = KafkaConfig.of(broker.bootstrapServers());
            KafkaClusterCheck.ensureTopics(kafka, topics, Duration.ofSeconds(30));
            try (Capture capture = Capture.start(LogicalSource.open(database, config), new KafkaSink(kafka, topics, notices::add))) {
                TestServices.execute(database, "INSERT INTO t VALUES (0, 'before')");
                assertThat(Topics.read(kafka, prefix + ".public.t", 1, Duration.ofSeconds(30))).hasSize(1);
                String walSender = activePid(database, prefix);

                broker.stop();
                // 24 MB of changes: more than the reader's queue holds, so the reader waits for room too.
                TestServices.execute(database, "INSERT INTO t SELECT g, repeat(md5(g::text), 3200) FROM generate_series(1, 240) g");
                long blockedUntil = System.nanoTime() + WAL_SENDER_TIMEOUT.multipliedBy(3).toNanos();
                while (System.nanoTime() < blockedUntil) {
                    assertThat(activePid(database, prefix)).as("the same walsender streams the slot while Kafka is gone").isEqualTo(walSender);
                    Thread.sleep(200); // sampling over a fixed span: the point is that nothing happens
                }
                assertThat(notices).as("the outage is said").anyMatch(notice -> notice.contains("unreachable since"));
                broker.restart();

                List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.t", 241, Duration.ofSeconds(60));
                Map<String, Long> perKey = records.stream().collect(Collectors.groupingBy(ConsumedChange::key, Collectors.counting()));
                assertThat(perKey).hasSize(241);
                assertThat(perKey.values()).as("nothing replayed").containsOnly(1L);
                assertThat(activePid(database, prefix)).isEqualTo(walSender);
                assertThat(capture.isRunning()).isTrue();
                Conditions.await("Kafka's return is said",
                        () -> notices.stream().anyMatch(notice -> notice.startsWith("Kafka back after ")), Duration.ofSeconds(15));
            }
        } finally {
            TestServices.execute(database, "ALTER SYSTEM RESET wal_sender_timeout; SELECT pg_reload_conf()");
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }

    private static String activePid(DatabaseConfig database, String slot) throws Exception {
        return TestServices.query(database, "SELECT coalesce(active_pid::text, 'none') FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
    }
}
