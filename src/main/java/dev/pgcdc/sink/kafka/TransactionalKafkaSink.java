package dev.pgcdc.sink.kafka;

import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Header;
import dev.pgcdc.event.Position;
import dev.pgcdc.sink.TransactionalSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Publishes changes inside Kafka transactions, with the capture's position written to the offsets topic in
 * the same transaction: a change is visible to {@code read_committed} consumers exactly when the position
 * that covers it is stored. The {@code transactional.id} names the capture (database and slot or journal),
 * so a second instance of the same capture fences the first: Kafka refuses the older one's writes, and it
 * stops with one line instead of writing.
 */
public final class TransactionalKafkaSink implements TransactionalSink, KafkaHealth {

    private static final Logger log = LoggerFactory.getLogger(TransactionalKafkaSink.class);

    /**
     * How long a Kafka transaction may stay open. A single huge PostgreSQL transaction stays whole in one
     * Kafka transaction, so the client's 60 s default is raised; the broker caps it with
     * {@code transaction.max.timeout.ms} (15 min by default).
     */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(5);

    private final KafkaConfig kafka;
    private final String transactionalId;
    private final String offsetsTopic;
    private final KafkaProducer<String, String> producer;
    private final OutageNotices watch;
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean open;
    private long uncommitted;
    /** The position the last commit of this sink stored; null before its first. */
    private String committedPosition;
    /**
     * The first failed send of the open transaction: later sends fail with it at once, as the transaction cannot commit,
     * rather than each wait {@code max.block.ms} for metadata the client dropped with its broker. An abort starts clean.
     */
    private final AtomicReference<CdcException> failedInTransaction = new AtomicReference<>();
    /** Counts aborts: a send's failure that arrives after its transaction was aborted concerns no later transaction. */
    private final AtomicLong aborts = new AtomicLong();

    /**
     * Starts the transactional producer; its {@code initTransactions} fences any older instance with the same
     * id and aborts the transaction it left open, so its position can be read afterwards.
     */
    public TransactionalKafkaSink(KafkaConfig kafka, Collection<String> topics, String transactionalId, String offsetsTopic) {
        this(kafka, topics, transactionalId, offsetsTopic, notice -> log.warn(notice));
    }

    /**
     * Like {@link #TransactionalKafkaSink(KafkaConfig, Collection, String, String)}.
     *
     * @param notices told, one line each, when Kafka stops acknowledging and when it is back
     */
    public TransactionalKafkaSink(KafkaConfig kafka, Collection<String> topics, String transactionalId, String offsetsTopic,
                                  Consumer<String> notices) {
        this.kafka = kafka;
        this.transactionalId = transactionalId;
        this.offsetsTopic = offsetsTopic;
        try {
            producer = new KafkaProducer<>(kafka.clientProperties(ProducerSettings.transactional(transactionalId, TRANSACTION_TIMEOUT)),
                    new StringSerializer(), new StringSerializer());
        } catch (KafkaException e) {
            throw KafkaErrors.describe(e, kafka);
        }
        try {
            producer.initTransactions();
            for (String topic : topics) {
                producer.partitionsFor(topic);
            }
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            CdcException refused = KafkaErrors.accessRefused(e, kafka);
            throw refused != null ? refused : KafkaErrors.describe(e, kafka);
        }
        watch = new OutageNotices(kafka.bootstrapServers(), producer, notices);
    }

    @Override
    public void send(ChangeEvent event, DeliveryCallback callback) {
        CdcException earlier = failedInTransaction.get();
        if (earlier != null) {
            throw new CdcException(earlier.kind(), earlier.getMessage(), earlier);
        }
        long generation = aborts.get();
        RecordHeaders headers = new RecordHeaders();
        for (Header header : event.headers()) {
            headers.add(header.name(), header.value().getBytes(StandardCharsets.UTF_8));
        }
        try {
            begin();
            watch.sent();
            producer.send(new ProducerRecord<>(event.topic(), null, event.key(), event.value(), headers), (metadata, failure) -> {
                watch.settled(failure == null);
                if (failure != null && generation == aborts.get()) {
                    failedInTransaction.compareAndSet(null, failed("Kafka did not accept a change for topic '" + event.topic() + "'", failure));
                }
                // A zombie may learn it is fenced here first (an old epoch) rather than at its commit: said the same way.
                callback.completed(failure != null && isFenced(failure) ? failed("sending", failure) : failure);
            });
            uncommitted++;
        } catch (InterruptException e) {
            watch.settled(false);
            Thread.currentThread().interrupt();
            throw failed("stopped while sending", e);
        } catch (KafkaException e) {
            watch.settled(false);
            throw failed("Kafka refused a change for topic '" + event.topic() + "'", e);
        }
    }

    @Override
    public void commit(Position position) {
        try {
            begin();
            storePosition(position.toString());
            producer.commitTransaction();
            open = false;
            uncommitted = 0;
            committedPosition = position.toString();
        } catch (InterruptException e) {
            Thread.currentThread().interrupt();
            throw failed("stopped while committing", e);
        } catch (KafkaException e) {
            if (isUnexplained(e) && TransactionCoordinatorProbe.endedByAnother(kafka, transactionalId, System.currentTimeMillis())) {
                throw abortedByCoordinator(e);
            }
            throw failed("the Kafka transaction up to position " + position + " failed", e);
        }
    }

    @Override
    public void abort() {
        if (!open) {
            return;
        }
        aborts.incrementAndGet();
        failedInTransaction.set(null);
        open = false;
        uncommitted = 0;
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            throw failed("aborting the Kafka transaction failed", e);
        }
    }

    @Override
    public long uncommitted() {
        return uncommitted;
    }

    /** Sends are inside the transaction already; {@link #commit} is what waits for them. */
    @Override
    public void flush() {
        try {
            producer.flush();
        } catch (InterruptException e) {
            Thread.currentThread().interrupt();
            throw failed("stopped while flushing", e);
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

    @Override
    public double retries() {
        return watch.retries();
    }

    /** Safe to call twice. A transaction still open is aborted by Kafka, or by the next instance as it starts. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            watch.close();
            boolean interrupted = Thread.interrupted();
            try {
                producer.close(interrupted ? Duration.ZERO : Duration.ofSeconds(10));
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void begin() {
        if (!open) {
            producer.beginTransaction();
            open = true;
            if (committedPosition != null) {
                // The offsets partition joins the transaction at its start, alongside the first change, with the
                // position already stored: the broker adds a partition to a transaction on its first write there,
                // a round trip to the transaction coordinator that would otherwise fall inside the commit, where
                // every change of the transaction waits for it. The commit's record comes after it and wins.
                storePosition(committedPosition);
            }
        }
    }

    private void storePosition(String position) {
        watch.sent();
        producer.send(new ProducerRecord<>(offsetsTopic, transactionalId, position),
                (metadata, failure) -> watch.settled(failure == null));
    }

    private CdcException failed(String what, Exception e) {
        if (isFenced(e)) {
            return new CdcException(CdcException.Kind.DELIVERY, "fenced by Kafka: another capture with transactional.id '"
                    + transactionalId + "' started after this one, so this one stops without writing (nothing it sent since"
                    + " its last commit is visible)", e);
        }
        if (causedBy(e, InvalidTxnStateException.class)) {
            // The coordinator aborts an open transaction when a new instance of the same id fences this one; a
            // commit that reaches it meanwhile is refused with this error rather than as fenced.
            return abortedByCoordinator(e);
        }
        CdcException refused = KafkaErrors.accessRefused(e, kafka);
        if (refused != null) {
            return refused;
        }
        return new CdcException(CdcException.Kind.DELIVERY, what + " (" + e.getMessage() + "): nothing since the last"
                + " committed Kafka transaction is visible or confirmed to PostgreSQL; it is captured again at the next start", e);
    }

    private CdcException abortedByCoordinator(Exception e) {
        return new CdcException(CdcException.Kind.DELIVERY, "fenced by Kafka: another capture with transactional.id '"
                + transactionalId + "' started after this one (Kafka was aborting this one's transaction as it committed;"
                + " a transaction that outlives transaction.timeout.ms is aborted the same way), so this one stops without"
                + " writing (nothing it sent since its last commit is visible)", e);
    }

    /** An error response the client has no name for, such as a broker's unexpected error, which it reports without a cause. */
    private boolean isUnexplained(KafkaException e) {
        return !isFenced(e) && !causedBy(e, InvalidTxnStateException.class) && !causedBy(e, RetriableException.class)
                && KafkaErrors.accessRefused(e, kafka) == null;
    }

    private static boolean isFenced(Throwable e) {
        return causedBy(e, ProducerFencedException.class) || causedBy(e, InvalidProducerEpochException.class);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (kind.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
