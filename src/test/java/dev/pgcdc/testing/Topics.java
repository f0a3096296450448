package dev.pgcdc.testing;

import dev.pgcdc.config.ConsumeConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.consume.TopicConsumer;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads what landed in a topic, through the product's own consumer. */
public final class Topics {

    private Topics() {
    }

    /** How many records the topic holds (the sum of its partitions' end offsets); 0 when it does not exist yet. */
    public static long size(KafkaConfig kafka, String topic) {
        Map<String, Object> settings = Map.of("key.deserializer", ByteArrayDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.clientProperties(settings))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
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
