package dev.pgcdc.bench;

import dev.pgcdc.bench.report.LatencyHistogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The reader, its own process: reads {@code --topic} from the beginning until {@code --expected} change events
 * (tombstones are not changes) or {@code --idle-ms} without a record, and measures each event's latency as the
 * broker's LogAppendTime minus the change's commit time {@code source.ts_ms} — or minus {@code after.due_ms}
 * with {@code --from due}, for paced workloads. Prints {@code READY} once assigned, then one RESULT line.
 */
public final class TopicReader {

    public static void main(String[] argv) {
        Args args = Args.parse(argv);
        String topic = args.get("topic");
        long expected = args.number("expected");
        long idleMs = Long.parseLong(args.get("idle-ms", "60000"));
        boolean fromDue = args.get("from", "commit").equals("due");
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args.get("kafka"));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        LatencyHistogram histogram = new LatencyHistogram();
        long count = 0;
        long bytes = 0;
        long firstAppend = 0;
        long lastAppend = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position);
            System.out.println("READY");
            System.out.flush();
            long lastProgress = System.currentTimeMillis();
            while (count < expected && System.currentTimeMillis() - lastProgress < idleMs) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    lastProgress = System.currentTimeMillis();
                    if (record.value() == null) {
                        continue;
                    }
                    if (record.timestampType() != TimestampType.LOG_APPEND_TIME) {
                        throw new IllegalStateException("topic " + topic + " has " + record.timestampType()
                                + ": the bench needs message.timestamp.type=LogAppendTime");
                    }
                    long start = fromDue ? field(record.value(), "\"after\":", "\"due_ms\":") : 0;
                    if (start <= 0) {
                        start = field(record.value(), "\"source\":", "\"ts_ms\":");
                    }
                    histogram.record(record.timestamp() - start);
                    bytes += record.serializedValueSize() + Math.max(0, record.serializedKeySize());
                    firstAppend = count == 0 ? record.timestamp() : firstAppend;
                    lastAppend = Math.max(lastAppend, record.timestamp());
                    count++;
                }
            }
        }
        String latency = count == 0 ? "count=0" : histogram.summary().toLine();
        System.out.println("RESULT " + latency + " events=" + count + " bytes=" + bytes
                + " first_append_ms=" + firstAppend + " last_append_ms=" + lastAppend);
    }

    /**
     * A number field of the JSON value, found after {@code object}: a plain scan instead of a parse keeps the
     * reader's CPU, which the capture competes with on the same cores, small. Returns 0 when absent or null.
     */
    static long field(String json, String object, String name) {
        int from = json.indexOf(object);
        int at = from < 0 ? -1 : json.indexOf(name, from);
        if (at < 0) {
            return 0;
        }
        int i = at + name.length();
        while (i < json.length() && json.charAt(i) == ' ') {
            i++;
        }
        long value = 0;
        boolean digits = false;
        while (i < json.length() && Character.isDigit(json.charAt(i))) {
            value = value * 10 + (json.charAt(i++) - '0');
            digits = true;
        }
        return digits ? value : 0;
    }
}
