package dev.pgcdc.sink.kafka;

import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Header;
import dev.pgcdc.sink.RecordRejectedException;
import dev.pgcdc.sink.Sink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes changes with an idempotent producer and {@code acks=all}: a change counts as delivered only when
 * every in-sync replica has it. Send errors reach the callback; the client retries transient ones itself
 * until {@code delivery.timeout.ms}.
 */
public final class KafkaSink implements Sink {

    private final KafkaProducer<String, String> producer;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Connects and fetches metadata for {@code topics} up front, so the first change does not pay for it
     * and a topic the client may not write fails now rather than mid-stream.
     */
    public KafkaSink(KafkaConfig kafka, Collection<String> topics) {
        Map<String, Object> defaults = Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                // Rows can be large (a 10 MB text column): let the broker's message.max.bytes decide. One record
                // must also fit buffer.memory (32 MB by default), which bounds the memory capture uses.
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 * 1024 * 1024,
                ProducerConfig.CLIENT_ID_CONFIG, "pgcdc-capture");
        try {
            producer = new KafkaProducer<>(kafka.clientProperties(defaults), new StringSerializer(), new StringSerializer());
        } catch (KafkaException e) {
            throw KafkaErrors.describe(e, kafka);
        }
        try {
            for (String topic : topics) {
                producer.partitionsFor(topic);
            }
        } catch (KafkaException e) {
            close();
            throw KafkaErrors.describe(e, kafka);
        }
    }

    @Override
    public void send(ChangeEvent event, DeliveryCallback callback) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : event.headers()) {
            headers.add(header.name(), header.value().getBytes(StandardCharsets.UTF_8));
        }
        ProducerRecord<String, String> record =
                new ProducerRecord<>(event.topic(), null, event.key(), event.value(), headers);
        try {
            producer.send(record, (metadata, failure) -> callback.completed(classify(failure)));
        } catch (KafkaException e) {
            // send() itself fails when metadata never arrives within max.block.ms or the record is refused up front
            throw new CdcException(CdcException.Kind.DELIVERY,
                    "Kafka refused a change for topic '" + event.topic() + "': " + e.getMessage(), e);
        }
    }

    /**
     * The largest record each topic takes ({@code max.message.bytes}, the broker's default unless the topic
     * overrides it), to say at start what will happen to larger rows.
     */
    public static Map<String, Integer> maxMessageBytes(KafkaConfig kafka, Collection<String> topics, Duration timeout) {
        Map<String, Object> settings = Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "pgcdc-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(kafka.clientProperties(settings))) {
            List<ConfigResource> resources = topics.stream().map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
            Map<String, Integer> limits = new TreeMap<>();
            admin.describeConfigs(resources).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).forEach((resource, config) -> {
                ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (entry != null && entry.value() != null) {
                    limits.put(resource.name(), Integer.parseInt(entry.value()));
                }
            });
            return limits;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new CdcException(CdcException.Kind.UNAVAILABLE, "cannot read the topics' max.message.bytes from Kafka at "
                    + kafka.bootstrapServers() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdcException(CdcException.Kind.INTERNAL, "interrupted while reading the topics' settings", e);
        }
    }

    /** Errors that concern this one record, for good, become a {@link RecordRejectedException}. */
    private static Exception classify(Exception failure) {
        if (failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException
                || failure instanceof InvalidRecordException) {
            return new RecordRejectedException(failure.getMessage(), failure);
        }
        return failure;
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            producer.close(Duration.ofSeconds(30));
        }
    }
}
