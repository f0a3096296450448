package dev.pgcdc.testing;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.source.trigger.TriggerSource;

import java.time.Duration;
import java.util.List;

/** Starts a trigger-mode capture in this JVM, as the CLI would. */
public final class TriggerCapture {

    private TriggerCapture() {
    }

    public static Capture start(DatabaseConfig database, KafkaConfig kafka, TriggerCaptureConfig config) {
        List<String> topics = TriggerSource.topicsOfCapturedTables(database, config);
        KafkaClusterCheck.ensureTopics(kafka, topics, Duration.ofSeconds(30));
        return Capture.start(TriggerSource.open(database, config), new KafkaSink(kafka, topics));
    }
}
