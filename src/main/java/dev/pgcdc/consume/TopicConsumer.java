package dev.pgcdc.consume;

import dev.pgcdc.config.ConsumeConfig;
import dev.pgcdc.config.KafkaConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The tutorial's consumer: reads a topic and hands each record, in partition order, to a callback until
 * {@code --max} records, {@code --timeout} of silence, or {@link #stop()}. Only committed records are
 * read ({@code read_committed}), so aborted transactional writes never show.
 */
public final class TopicConsumer implements AutoCloseable {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private final ConsumeConfig config;
    private final ChangeFilter filter;
    private final KafkaConsumer<String, String> consumer;
    /** Offsets of displayed records, committed for a named group so a restart neither skips nor repeats. */
    private final Map<TopicPartition, OffsetAndMetadata> displayed = new HashMap<>();
    private final CountDownLatch assigned = new CountDownLatch(1);
    /** When a record last arrived, or partitions were last assigned: joining the group is not idleness. */
    private long lastArrival;

    public TopicConsumer(KafkaConfig kafka, ConsumeConfig config) {
        this.config = config;
        this.filter = ChangeFilter.of(config);
        boolean ownGroup = config.group() != null;
        Map<String, Object> defaults = Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, ownGroup ? config.group() : "pgcdc-consume-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.fromBeginning() ? "earliest" : "latest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                // Reading must never create a topic: a typo would otherwise wait forever on an empty one.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "pgcdc-consume");
        this.consumer = new KafkaConsumer<>(kafka.clientProperties(defaults), new StringDeserializer(), new StringDeserializer());
    }

    /** Reads until a stop condition; returns how many records were handed to {@code display}. */
    public long run(Consumer<ConsumedChange> display) {
        consumer.subscribe(List.of(config.topic()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                commitDisplayed();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                lastArrival = System.nanoTime();
                assigned.countDown();
            }
        });
        long count = 0;
        lastArrival = System.nanoTime();
        try {
            while (config.maxRecords() == 0 || count < config.maxRecords()) {
                var records = consumer.poll(POLL_INTERVAL);
                if (records.isEmpty()) {
                    if (config.idleTimeout() != null
                            && System.nanoTime() - lastArrival >= config.idleTimeout().toNanos()) {
                        break;
                    }
                    continue;
                }
                lastArrival = System.nanoTime();
                for (ConsumerRecord<String, String> record : records) {
                    ConsumedChange change = toChange(record);
                    displayed.put(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                    if (!filter.accepts(change)) {
                        continue;
                    }
                    display.accept(change);
                    if (++count == config.maxRecords()) {
                        break;
                    }
                }
                commitDisplayed();
            }
        } catch (WakeupException e) {
            // stop() was called: a normal end
        }
        return count;
    }

    /**
     * Waits until {@link #run} has joined its group and holds partitions, so records produced from now on
     * will be read even without {@code --from-beginning}.
     */
    public boolean awaitAssignment(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends {@link #run} from any thread. */
    public void stop() {
        consumer.wakeup();
    }

    private void commitDisplayed() {
        if (config.group() != null && !displayed.isEmpty()) {
            consumer.commitSync(displayed);
            displayed.clear();
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    private static ConsumedChange toChange(ConsumerRecord<String, String> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
        }
        return new ConsumedChange(record.topic(), record.partition(), record.offset(),
                Instant.ofEpochMilli(record.timestamp()), record.key(), record.value(), headers);
    }
}
