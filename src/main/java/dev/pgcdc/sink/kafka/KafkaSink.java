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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Publishes changes with an idempotent producer and {@code acks=all}: a change counts as delivered only when
 * every in-sync replica has it. Send errors reach the callback; the client retries transient ones itself
 * until {@code delivery.timeout.ms}. While changes wait on an unreachable Kafka, the user is told within
 * seconds, and told again when it is back. Once a change has failed for any reason but its own content, every later
 * {@link #send} throws that failure at once: capture stops on it anyway, and while Kafka is away each send would
 * otherwise wait {@code max.block.ms} for the topic's metadata, which the client dropped when it lost its broker.
 */
public final class KafkaSink implements Sink, KafkaHealth {

    private static final Logger log = LoggerFactory.getLogger(KafkaSink.class);
    private static final String NOT_CONFIRMED = "nothing from there on was confirmed to PostgreSQL; it will be captured "
            + "again at the next start";

    private final KafkaConfig kafka;
    private final KafkaProducer<String, String> producer;
    private final OutageNotices watch;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The first failure that ends delivery, said as capture stops with it; null while none. */
    private final AtomicReference<CdcException> failed = new AtomicReference<>();

    /** Like {@link #KafkaSink(KafkaConfig, Collection, Consumer)}, with notices logged as warnings. */
    public KafkaSink(KafkaConfig kafka, Collection<String> topics) {
        this(kafka, topics, notice -> log.warn(notice));
    }

    /**
     * Connects and fetches metadata for {@code topics} up front, so the first change does not pay for it
     * and a topic the client may not write fails now rather than mid-stream.
     *
     * @param notices told, one line each, when Kafka stops acknowledging and when it is back
     */
    public KafkaSink(KafkaConfig kafka, Collection<String> topics, Consumer<String> notices) {
        this.kafka = kafka;
        try {
            producer = new KafkaProducer<>(kafka.clientProperties(ProducerSettings.atLeastOnce()), new StringSerializer(), new StringSerializer());
        } catch (KafkaException e) {
            throw KafkaErrors.describe(e, kafka);
        }
        try {
            for (String topic : topics) {
                producer.partitionsFor(topic);
            }
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw KafkaErrors.describe(e, kafka);
        }
        watch = new OutageNotices(kafka.bootstrapServers(), producer, notices);
    }

    @Override
    public void send(ChangeEvent event, DeliveryCallback callback) {
        CdcException earlier = failed.get();
        if (earlier != null) {
            throw new CdcException(earlier.kind(), earlier.getMessage(), earlier);
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header header : event.headers()) {
            headers.add(header.name(), header.value().getBytes(StandardCharsets.UTF_8));
        }
        ProducerRecord<String, String> record =
                new ProducerRecord<>(event.topic(), null, event.key(), event.value(), headers);
        String topic = event.topic(); // the callback keeps only this, not the change's value
        watch.sent();
        try {
            producer.send(record, (metadata, failure) -> {
                watch.settled(failure == null);
                callback.completed(classify(failure, topic));
            });
        } catch (InterruptException e) {
            watch.settled(false);
            Thread.currentThread().interrupt();
            throw stoppedWhileHeld();
        } catch (KafkaException e) {
            watch.settled(false);
            // send() itself fails when metadata never arrives within max.block.ms or the record is refused up front
            CdcException refused = KafkaErrors.accessRefused(e, kafka);
            if (refused != null) {
                throw refused;
            }
            if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw notAcknowledgedInTime(event.topic(), e);
            }
            throw new CdcException(CdcException.Kind.DELIVERY,
                    "Kafka refused a change for topic '" + event.topic() + "': " + e.getMessage(), e);
        }
    }

    /**
     * Errors that concern this one record, for good, become a {@link RecordRejectedException}; a time-out
     * (metadata or delivery) is said the same way whether it comes from {@code send} or from the callback. Every
     * failure but a refused record is remembered, so that later sends fail with it at once.
     */
    private Exception classify(Exception failure, String topic) {
        if (failure == null) {
            return null;
        }
        if (failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException
                || failure instanceof InvalidRecordException) {
            return new RecordRejectedException(failure.getMessage(), failure);
        }
        if (failure instanceof org.apache.kafka.common.errors.TimeoutException) {
            CdcException timedOut = notAcknowledgedInTime(topic, failure);
            failed.compareAndSet(null, timedOut);
            return timedOut;
        }
        failed.compareAndSet(null, new CdcException(CdcException.Kind.DELIVERY,
                "Kafka did not accept a change for topic '" + topic + "' (" + failure.getMessage() + "): " + NOT_CONFIRMED, failure));
        return failure;
    }

    private CdcException notAcknowledgedInTime(String topic, Exception failure) {
        return new CdcException(CdcException.Kind.DELIVERY, "Kafka at " + kafka.bootstrapServers()
                + " did not acknowledge a change for topic '" + topic + "' in time (" + failure.getMessage() + "): "
                + NOT_CONFIRMED, failure);
    }

    @Override
    public void flush() {
        try {
            producer.flush();
        } catch (InterruptException e) {
            Thread.currentThread().interrupt();
            throw stoppedWhileHeld();
        }
    }

    @Override
    public long held() {
        return watch.held();
    }

    @Override
    public boolean inOutage() {
        return watch.inOutage();
    }

    /**
     * Safe to call twice. On an interrupted thread (a stop that could wait no longer) or during an outage,
     * changes still pending are dropped rather than waited for: none of them was confirmed to the source.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            watch.close();
            // The producer's close joins its I/O thread, which fails at once on an interrupted thread.
            boolean interrupted = Thread.interrupted();
            try {
                producer.close(interrupted || watch.inOutage() ? Duration.ZERO : Duration.ofSeconds(30));
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public double retries() {
        return watch.retries();
    }

    private CdcException stoppedWhileHeld() {
        return new CdcException(CdcException.Kind.DELIVERY, "stopped before Kafka at " + kafka.bootstrapServers()
                + " acknowledged " + watch.held() + " change(s): " + NOT_CONFIRMED);
    }
}
