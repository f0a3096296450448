package dev.pgcdc.sink.kafka;

/** What a Kafka sink tells about its producer, for health and metrics. Thread-safe. */
public interface KafkaHealth {

    /** Changes handed over and not yet acknowledged or failed. */
    long held();

    /** Whether an outage was announced and Kafka is not back yet. */
    boolean inOutage();

    /** Sends the producer retried so far (its {@code record-retry-total} metric). */
    double retries();
}
