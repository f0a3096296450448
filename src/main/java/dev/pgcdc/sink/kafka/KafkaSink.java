package dev.pgcdc.sink.kafka;

import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Header;
import dev.pgcdc.sink.Sink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
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
            producer.send(record, (metadata, failure) -> callback.completed(failure));
        } catch (KafkaException e) {
            // send() itself fails when metadata never arrives within max.block.ms or the record is refused up front
            throw new CdcException(CdcException.Kind.DELIVERY,
                    "Kafka refused a change for topic '" + event.topic() + "': " + e.getMessage(), e);
        }
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
