package dev.pgcdc.sink.kafka;

import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.embedded.EmbeddedKafkaBroker;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.sink.Sink;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Both sinks under a broker that went away: the first failed change ends delivery, later changes do not each wait for Kafka. */
class KafkaSinkOutageIT {

    /** Short enough that the first failure comes in seconds; a send that waited for metadata would take MAX_BLOCK_MS. */
    private static final int MAX_BLOCK_MS = 8_000;
    private static final Map<String, String> IMPATIENT = Map.of("max.block.ms", Integer.toString(MAX_BLOCK_MS),
            "delivery.timeout.ms", "10000", "request.timeout.ms", "5000", "linger.ms", "0");

    private static ChangeEvent change(String topic, int id) {
        return new ChangeEvent(topic, "{\"id\":" + id + "}", "{\"id\":" + id + "}", List.of(), null);
    }

    /** Sends one change and returns how its delivery ended: null once acknowledged, else the failure. */
    private static CompletableFuture<Exception> send(Sink sink, ChangeEvent change) {
        CompletableFuture<Exception> outcome = new CompletableFuture<>();
        sink.send(change, outcome::complete);
        return outcome;
    }

    @Test
    void changesSentAfterAFailedOneFailAtOnceWithThatFailure() throws Exception {
        String topic = TestServices.uniqueName("sinkoutage") + ".t";
        try (EmbeddedKafkaBroker doomed = EmbeddedKafkaBroker.start()) {
            KafkaConfig kafka = new KafkaConfig(doomed.bootstrapServers(), IMPATIENT);
            KafkaClusterCheck.ensureTopics(kafka, List.of(topic), Duration.ofSeconds(30));
            try (KafkaSink sink = new KafkaSink(kafka, List.of(topic), notice -> { })) {
                assertThat(send(sink, change(topic, 1)).get(30, TimeUnit.SECONDS)).as("delivered before the outage").isNull();

                doomed.close();
                // Fails once its metadata wait (MAX_BLOCK_MS) or its delivery time-out runs out, whichever the client meets.
                Exception first = send(sink, change(topic, 2)).get(60, TimeUnit.SECONDS);
                assertThat(first).as("a change Kafka never got fails").isNotNull();

                assertLaterSendsFailAtOnce(sink, topic, "nothing from there on was confirmed to PostgreSQL");
            }
        }
    }

    @Test
    void transactionalChangesSentAfterAFailedOneFailAtOnceWithThatFailure() throws Exception {
        String prefix = TestServices.uniqueName("txoutage");
        String topic = prefix + ".t";
        try (EmbeddedKafkaBroker doomed = EmbeddedKafkaBroker.start()) {
            KafkaConfig kafka = new KafkaConfig(doomed.bootstrapServers(), IMPATIENT);
            KafkaClusterCheck.ensureTopics(kafka, List.of(topic), Duration.ofSeconds(30));
            String offsets = OffsetsTopic.name(prefix);
            OffsetsTopic.ensure(kafka, offsets, Duration.ofSeconds(30));
            try (TransactionalKafkaSink sink = new TransactionalKafkaSink(kafka, List.of(topic), prefix + "-id", offsets)) {
                doomed.close();
                Exception first = send(sink, change(topic, 1)).get(60, TimeUnit.SECONDS);
                assertThat(first).as("a change Kafka never got fails").isNotNull();

                assertLaterSendsFailAtOnce(sink, topic, "nothing since the last committed Kafka transaction is visible or confirmed");
            }
        }
    }

    private static void assertLaterSendsFailAtOnce(Sink sink, String topic, String notConfirmed) {
        long start = System.nanoTime();
        for (int id = 3; id <= 5; id++) {
            int next = id;
            CdcException refused = catchThrowableOfType(CdcException.class, () -> send(sink, change(topic, next)));
            assertThat(refused).as("change %d, sent after a failed one, fails", next).isNotNull();
            assertThat(refused.kind()).isEqualTo(CdcException.Kind.DELIVERY);
            assertThat(refused.getMessage()).contains("a change for topic '" + topic + "'").contains(notConfirmed);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("none of them waited for Kafka's metadata")
                .isLessThan(Duration.ofMillis(MAX_BLOCK_MS));
    }
}
