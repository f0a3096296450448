package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sink blocked far longer than {@code wal_sender_timeout} (as {@code KafkaSink.send} blocks up to
 * {@code max.block.ms} while the broker is gone): the reader keeps answering the walsender, which survives,
 * and nothing is streamed twice once the sink moves again.
 */
class LogicalBlockedSinkIT {

    private static final Duration WAL_SENDER_TIMEOUT = Duration.ofSeconds(5);

    @Test
    void walSenderSurvivesASinkBlockedLongerThanItsTimeoutAndNothingIsReplayed() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("blocked");
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY, payload text)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
        LogicalCaptureConfig config = new LogicalCaptureConfig(prefix, "pgcdc", prefix, false, Duration.ofSeconds(1), false);
        List<String> topics = LogicalSource.topicsOfPublishedTables(database, config);
        KafkaClusterCheck.ensureTopics(kafka, topics, Duration.ofSeconds(30));
        TestServices.execute(database, "ALTER SYSTEM SET wal_sender_timeout = '" + WAL_SENDER_TIMEOUT.toSeconds() + "s'; SELECT pg_reload_conf()");
        GatedSink sink = new GatedSink(new KafkaSink(kafka, topics));
        try (Capture capture = Capture.start(LogicalSource.open(database, config), sink)) {
            TestServices.execute(database, "INSERT INTO t VALUES (0, 'before')");
            assertThat(Topics.read(kafka, prefix + ".public.t", 1, Duration.ofSeconds(30))).hasSize(1);
            String walSender = activePid(database, prefix);

            sink.blockSends();
            // 24 MB of changes: more than the reader's queue holds, so the reader waits for room too.
            TestServices.execute(database, "INSERT INTO t SELECT g, repeat(md5(g::text), 3200) FROM generate_series(1, 240) g");
            long blockedUntil = System.nanoTime() + WAL_SENDER_TIMEOUT.multipliedBy(3).toNanos();
            while (System.nanoTime() < blockedUntil) {
                assertThat(activePid(database, prefix)).as("the same walsender streams the slot while the sink is blocked").isEqualTo(walSender);
                Thread.sleep(200); // sampling over a fixed span: the point is that nothing happens
            }
            sink.unblockSends();

            List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.t", 241, Duration.ofSeconds(60));
            Map<String, Long> perKey = records.stream().collect(Collectors.groupingBy(ConsumedChange::key, Collectors.counting()));
            assertThat(perKey).hasSize(241);
            assertThat(perKey.values()).as("nothing replayed").containsOnly(1L);
            assertThat(activePid(database, prefix)).isEqualTo(walSender);
            assertThat(capture.isRunning()).isTrue();
        } finally {
            TestServices.execute(database, "ALTER SYSTEM RESET wal_sender_timeout; SELECT pg_reload_conf()");
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }

    private static String activePid(DatabaseConfig database, String slot) throws Exception {
        return TestServices.query(database, "SELECT coalesce(active_pid::text, 'none') FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
    }
}
