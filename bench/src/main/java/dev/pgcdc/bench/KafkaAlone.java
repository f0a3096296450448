package dev.pgcdc.bench;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.Arrays;
import java.util.Properties;

/**
 * The Kafka ceiling, its own process: a plain idempotent {@code acks=all} producer writing {@code --records}
 * records of {@code --key-bytes}+{@code --value-bytes} to {@code --topic}, then {@code RESULT records=N elapsed_ms=T}.
 */
public final class KafkaAlone {

    public static void main(String[] argv) {
        Args args = Args.parse(argv);
        long records = args.number("records");
        byte[] key = filled(args.integer("key-bytes"));
        byte[] value = filled(args.integer("value-bytes"));
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args.get("kafka"));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        String topic = args.get("topic");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.partitionsFor(topic);
            long start = System.nanoTime();
            for (long i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
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

    private static byte[] filled(int size) {
        byte[] bytes = new byte[Math.max(1, size)];
        Arrays.fill(bytes, (byte) 'x');
        return bytes;
    }
}
