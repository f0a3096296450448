package dev.pgcdc.sink.kafka;

import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.error.CdcException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The compacted topic {@code PREFIX.pgcdc-offsets} where exactly-once capture stores its source position, one
 * record per capture (keyed by its identity), written in the same Kafka transaction as the changes it covers.
 * One partition, so the newest record of a key is simply the last one read.
 */
public final class OffsetsTopic {

    private OffsetsTopic() {
    }

    public static String name(String topicPrefix) {
        return topicPrefix + ".pgcdc-offsets";
    }

    /** Creates the topic with {@code cleanup.policy=compact} when it does not exist. */
    public static void ensure(KafkaConfig kafka, String topic, Duration timeout) {
        try (Admin admin = Admin.create(kafka.clientProperties(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "pgcdc-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis())))) {
            NewTopic offsets = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(offsets)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new CdcException(CdcException.Kind.CONFIGURATION, "cannot create the offsets topic '" + topic + "': "
                        + e.getCause().getMessage() + " (create it with cleanup.policy=compact, or allow this client to)", e);
            }
        } catch (TimeoutException | KafkaException e) {
            throw new CdcException(CdcException.Kind.UNAVAILABLE, "cannot create the offsets topic '" + topic + "' on Kafka at "
                    + kafka.bootstrapServers() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdcException(CdcException.Kind.INTERNAL, "interrupted while creating the offsets topic", e);
        }
    }

    /**
     * The newest committed position stored under {@code key}, or null when there is none. Reads
     * {@code read_committed} up to the last stable offset: call it after the transactional producer started
     * (its {@code initTransactions} aborts what a previous instance left open, which would hold that offset back).
     */
    public static String read(KafkaConfig kafka, String topic, String key, Duration timeout) {
        Map<String, Object> settings = Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.CLIENT_ID_CONFIG, "pgcdc-offsets",
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(kafka.clientProperties(settings),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            String position = null;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition) < end) {
                if (System.nanoTime() > deadline) {
                    throw new CdcException(CdcException.Kind.UNAVAILABLE, "cannot read the offsets topic '" + topic
                            + "' from Kafka at " + kafka.bootstrapServers() + " within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        position = record.value();
                    }
                }
            }
            return position;
        } catch (KafkaException e) {
            throw new CdcException(CdcException.Kind.UNAVAILABLE, "cannot read the offsets topic '" + topic + "' from Kafka at "
                    + kafka.bootstrapServers() + ": " + e.getMessage(), e);
        }
    }
}
