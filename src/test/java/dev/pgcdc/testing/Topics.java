package dev.pgcdc.testing;

import dev.pgcdc.config.ConsumeConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.consume.TopicConsumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads what landed in a topic, through the product's own consumer. */
public final class Topics {

    private Topics() {
    }

    /** Reads from the beginning until {@code expected} records, or {@code idle} without any new one. */
    public static List<ConsumedChange> read(KafkaConfig kafka, String topic, int expected, Duration idle) {
        List<ConsumedChange> records = new ArrayList<>();
        ConsumeConfig config = new ConsumeConfig(topic, true, null, ConsumeConfig.Format.JSON, expected, idle);
        try (TopicConsumer consumer = new TopicConsumer(kafka, config)) {
            consumer.run(records::add);
        }
        return records;
    }
}
