package dev.pgcdc.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The Kafka ceiling, its own process: a plain idempotent {@code acks=all} producer writing {@code --records}
 * records to {@code --topic}, then {@code RESULT records=N elapsed_ms=T}. The records are either
 * {@code --key-bytes}+{@code --value-bytes} of filler, or, with {@code --sample-topic}, the first
 * {@code --sample} records of that topic sent again in turn (the same bytes as the system measured, so a
 * compressing producer compresses them as much). {@code --compression} sets {@code compression.type}
 * (default {@code none}), {@code --batch-size} sets {@code batch.size} (default Kafka's).
 */
public final class KafkaAlone {

    private record Sample(byte[] key, byte[] value) {
    }

    public static void main(String[] argv) {
        Args args = Args.parse(argv);
        long records = args.number("records");
        String sampleTopic = args.get("sample-topic", null);
        List<Sample> samples = sampleTopic == null
                ? List.of(new Sample(filled(args.integer("key-bytes")), filled(args.integer("value-bytes"))))
                : sample(args.get("kafka"), sampleTopic, Integer.parseInt(args.get("sample", "10000")));
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args.get("kafka"));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, args.get("compression", "none"));
        String batchSize = args.get("batch-size", null);
        if (batchSize != null) {
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, batchSize);
        }
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        String topic = args.get("topic");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.partitionsFor(topic);
            long start = System.nanoTime();
            for (long i = 0; i < records; i++) {
                Sample record = samples.get((int) (i % samples.size()));
                producer.send(new ProducerRecord<>(topic, record.key(), record.value()), (metadata, error) -> {
                    if (error != null) {
                        error.printStackTrace();
                        System.exit(1);
                    }
                });
            }
            producer.flush();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            System.out.println("RESULT records=" + records + " elapsed_ms=" + elapsedMs);
        }
    }

    private static List<Sample> sample(String kafka, String topic, int count) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<Sample> samples = new ArrayList<>(count);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (samples.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (samples.size() < count) {
                        samples.add(new Sample(record.key(), record.value()));
                    }
                }
            }
        }
        if (samples.isEmpty()) {
            throw new IllegalStateException("no records to sample in topic " + topic);
        }
        return samples;
    }

    private static byte[] filled(int size) {
        byte[] bytes = new byte[Math.max(1, size)];
        Arrays.fill(bytes, (byte) 'x');
        return bytes;
    }
}
