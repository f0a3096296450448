package dev.pgcdc.bench;

import dev.pgcdc.bench.report.LatencyHistogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The reader, its own process: reads {@code --topic} from the beginning until {@code --expected} change events
 * (tombstones are not changes) or {@code --idle-ms} without a record, and measures each event's latency as the
 * broker's LogAppendTime minus the change's commit time {@code source.ts_ms} — or minus {@code after.due_ms}
 * with {@code --from due}, for paced workloads. Prints {@code READY} once assigned, then one RESULT line. With
 * {@code --arrivals FILE} it also writes each event's start, commit and visible time (epoch ms), one CSV line per event, to
 * find when in a run the slow ones came and match them with the capture's GC and JIT logs.
 *
 * <p>A transactional record ({@code --exactly-once}) is not visible at its LogAppendTime: a {@code read_committed}
 * consumer gets it only once the commit marker of its transaction is written. With {@code --log-dir} (the
 * bench's own broker), its latency counts to that marker's timestamp instead ({@link CommitMarkers}), so
 * exactly-once and at-least-once are measured alike: to when a consumer could first read the change.
 */
public final class TopicReader {

    public static void main(String[] argv) throws IOException {
        Args args = Args.parse(argv);
        String topic = args.get("topic");
        long expected = args.number("expected");
        long idleMs = Long.parseLong(args.get("idle-ms", "60000"));
        boolean fromDue = args.get("from", "commit").equals("due");
        String logDir = args.get("log-dir", "");
        String arrivalsFile = args.get("arrivals", "");
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args.get("kafka"));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Arrivals arrivals = new Arrivals();
        long bytes = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position);
            System.out.println("READY");
            System.out.flush();
            long lastProgress = System.currentTimeMillis();
            while (arrivals.count < expected && System.currentTimeMillis() - lastProgress < idleMs) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    lastProgress = System.currentTimeMillis();
                    if (record.value() == null) {
                        continue;
                    }
                    if (record.timestampType() != TimestampType.LOG_APPEND_TIME) {
                        throw new IllegalStateException("topic " + topic + " has " + record.timestampType()
                                + ": the bench needs message.timestamp.type=LogAppendTime");
                    }
                    long committed = field(record.value(), "\"source\":", "\"ts_ms\":");
                    long due = fromDue ? field(record.value(), "\"after\":", "\"due_ms\":") : 0;
                    arrivals.add(record.partition(), record.offset(), record.timestamp(), due > 0 ? due : committed, committed);
                    bytes += record.serializedValueSize() + Math.max(0, record.serializedKeySize());
                }
            }
        }
        Map<Integer, CommitMarkers> markers = new HashMap<>();
        LatencyHistogram histogram = new LatencyHistogram();
        LatencyHistogram toAppend = new LatencyHistogram();
        LatencyHistogram fromCommit = new LatencyHistogram();
        long firstVisible = 0;
        long lastVisible = 0;
        long[] visibleMs = new long[arrivals.count];
        for (int i = 0; i < arrivals.count; i++) {
            long visible = arrivals.appendMs[i];
            if (!logDir.isEmpty()) {
                int partition = arrivals.partition[i];
                CommitMarkers partitionMarkers = markers.get(partition);
                if (partitionMarkers == null) {
                    partitionMarkers = CommitMarkers.read(Path.of(logDir), topic, partition);
                    markers.put(partition, partitionMarkers);
                }
                visible = partitionMarkers.visibleAt(arrivals.offset[i], visible);
            }
            visibleMs[i] = visible;
            histogram.record(visible - arrivals.startMs[i]);
            toAppend.record(arrivals.appendMs[i] - arrivals.startMs[i]);
            fromCommit.record(visible - arrivals.commitMs[i]);
            firstVisible = i == 0 ? visible : Math.min(firstVisible, visible);
            lastVisible = Math.max(lastVisible, visible);
        }
        if (!arrivalsFile.isEmpty()) {
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(arrivalsFile)))) {
                out.println("start_ms,commit_ms,visible_ms");
                for (int i = 0; i < arrivals.count; i++) {
                    out.println(arrivals.startMs[i] + "," + arrivals.commitMs[i] + "," + visibleMs[i]);
                }
            }
        }
        long count = arrivals.count;
        String latency = count == 0 ? "count=0" : histogram.summary().toLine();
        // Counted to the append time alone, for the log: what a transactional record's latency would understate. And
        // counted from the commit rather than from when the change was due: the capture's own part of a paced latency.
        String append = count == 0 ? "" : " append_p50=" + toAppend.summary().p50() + " append_p99=" + toAppend.summary().p99()
                + " commit_p50=" + fromCommit.summary().p50() + " commit_p99=" + fromCommit.summary().p99();
        System.out.println("RESULT " + latency + append + " events=" + count + " bytes=" + bytes
                + " first_visible_ms=" + firstVisible + " last_visible_ms=" + lastVisible);
    }

    /** What was read, kept until the end: the markers are read from the log once every record is in. */
    private static final class Arrivals {
        int count;
        int[] partition = new int[1024];
        long[] offset = new long[1024];
        long[] appendMs = new long[1024];
        long[] startMs = new long[1024];
        long[] commitMs = new long[1024];

        void add(int partitionOf, long offsetOf, long append, long start, long committed) {
            if (count == offset.length) {
                partition = Arrays.copyOf(partition, count * 2);
                offset = Arrays.copyOf(offset, count * 2);
                appendMs = Arrays.copyOf(appendMs, count * 2);
                startMs = Arrays.copyOf(startMs, count * 2);
                commitMs = Arrays.copyOf(commitMs, count * 2);
            }
            partition[count] = partitionOf;
            offset[count] = offsetOf;
            appendMs[count] = append;
            startMs[count] = start;
            commitMs[count] = committed;
            count++;
        }
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
