package dev.pgcdc.testing;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.source.logical.LogicalSource;

import java.time.Duration;
import java.util.List;

/** Starts a logical-mode capture in this JVM, as the CLI would. */
public final class LogicalCapture {

    private LogicalCapture() {
    }

    /** A config with a slot name of its own (slots are cluster-wide) and the given topic prefix. */
    public static LogicalCaptureConfig config(String prefix, String publication) {
        return new LogicalCaptureConfig(prefix.toLowerCase(), publication, prefix, true, Duration.ofSeconds(1), true);
    }

    /** Waits until a killed capture's slot is free again: the server releases it once it notices the dead connection. */
    public static void awaitSlotReleased(DatabaseConfig database, String slot) throws InterruptedException {
        Conditions.await("slot " + slot + " released", () -> {
            try {
                return !"true".equals(TestServices.query(database,
                        "SELECT active::text FROM pg_replication_slots WHERE slot_name = '" + slot + "'"));
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(30));
    }

    public static Capture start(DatabaseConfig database, KafkaConfig kafka, LogicalCaptureConfig config) {
        List<String> topics = LogicalSource.topicsOfPublishedTables(database, config);
        KafkaClusterCheck.ensureTopics(kafka, topics, Duration.ofSeconds(30));
        return Capture.start(LogicalSource.open(database, config), new KafkaSink(kafka, topics));
    }
}
