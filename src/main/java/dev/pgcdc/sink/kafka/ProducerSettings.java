package dev.pgcdc.sink.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The producer settings both Kafka sinks start from; {@code --kafka-property} overrides any of them.
 *
 * <p>Batching adapts to load with no setting to tune: {@code linger.ms} is 5, Kafka 4's own default (KIP-1030). A change
 * that finds no open batch waits at most 5 ms for others to share its request; under load, batches also grow while up
 * to {@value #MAX_IN_FLIGHT} requests per broker await their acknowledgement, up to {@code batch.size}. Not lingering
 * (0) made every one-row transaction a request of its own: at 1,000 such transactions a second the producer's I/O
 * thread spent 127 µs of CPU per change, and the pipeline thread, waking it for each, 61 µs; lingering 5 ms, 56 and 41
 * (same build and machine, steady state), for a p50 of 6 ms instead of 2.
 *
 * <p>{@code batch.size} is {@value #BATCH_BYTES} bytes, not Kafka's 16 KB: under load (a snapshot, a backlog)
 * batches reach the cap, and every batch is a request the producer's I/O thread and the broker handle. Measured
 * on a 300,000-row snapshot (bench/README.md): the broker's CPU about halves and capture's falls by a sixth. The
 * cost: each partition's batch takes that much of {@code buffer.memory} (32 MB), so a burst over more than about
 * 128 partitions at once waits for memory.
 */
final class ProducerSettings {

    static final int MAX_IN_FLIGHT = 5;
    static final int LINGER_MS = 5;
    static final int BATCH_BYTES = 256 * 1024;
    /** Rows can be large (a 10 MB text column): the broker's {@code message.max.bytes} decides, not the client. */
    static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;

    private ProducerSettings() {
    }

    /** Idempotent, {@code acks=all}: a change counts as delivered only when every in-sync replica has it. */
    static Map<String, Object> atLeastOnce() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, MAX_IN_FLIGHT);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        settings.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
        settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // One record must also fit buffer.memory (32 MB by default), which bounds the memory capture uses.
        settings.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "pgcdc-capture");
        return settings;
    }

    /** The same, inside transactions named {@code transactionalId} that may stay open up to {@code timeout}. */
    static Map<String, Object> transactional(String transactionalId, Duration timeout) {
        Map<String, Object> settings = atLeastOnce();
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        settings.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) timeout.toMillis());
        return settings;
    }
}
