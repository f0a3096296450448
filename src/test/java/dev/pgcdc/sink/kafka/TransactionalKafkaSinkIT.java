package dev.pgcdc.sink.kafka;

import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Position;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TransactionalKafkaSinkIT {

    private record At(String text) implements Position {
        @Override
        public String toString() {
            return text;
        }
    }

    /** The capture's offsets topic, created for {@code prefix}. */
    private static String offsetsTopic(KafkaConfig kafka, String prefix) {
        String offsets = OffsetsTopic.name(prefix);
        OffsetsTopic.ensure(kafka, offsets, Duration.ofSeconds(10));
        return offsets;
    }

    private static ChangeEvent change(String topic, int id) {
        return new ChangeEvent(topic, "{\"id\":" + id + "}", "{\"id\":" + id + "}", List.of(), null);
    }

    @Test
    void changesAndPositionBecomeVisibleTogetherAndOnlyOnCommit() {
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("txsink");
        String topic = prefix + ".t";
        String offsets = offsetsTopic(kafka, prefix);
        try (TransactionalKafkaSink sink = new TransactionalKafkaSink(kafka, List.of(topic), prefix + "-id", offsets)) {
            sink.send(change(topic, 1), failure -> { });
            sink.commit(new At("0/10"));
            sink.send(change(topic, 2), failure -> { });
            sink.abort();
            sink.send(change(topic, 3), failure -> { });
        }
        assertThat(Topics.read(kafka, topic, Integer.MAX_VALUE, Duration.ofSeconds(2))).extracting(ConsumedChange::key)
                .containsExactly("{\"id\":1}");
        assertThat(OffsetsTopic.read(kafka, offsets, prefix + "-id", Duration.ofSeconds(10))).isEqualTo("0/10");
        assertThat(OffsetsTopic.read(kafka, offsets, "another-capture", Duration.ofSeconds(10))).isNull();
    }

    @Test
    void eachCommitStoresItsOwnPositionAsTheNewestAlsoWhenItHoldsNoChanges() {
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("txpos");
        String topic = prefix + ".t";
        String offsets = offsetsTopic(kafka, prefix);
        try (TransactionalKafkaSink sink = new TransactionalKafkaSink(kafka, List.of(topic), prefix + "-id", offsets)) {
            sink.send(change(topic, 1), failure -> { });
            sink.commit(new At("0/10"));
            sink.send(change(topic, 2), failure -> { });
            sink.commit(new At("0/20"));
            assertThat(OffsetsTopic.read(kafka, offsets, prefix + "-id", Duration.ofSeconds(10))).isEqualTo("0/20");
            sink.commit(new At("0/30"));
            assertThat(OffsetsTopic.read(kafka, offsets, prefix + "-id", Duration.ofSeconds(10))).isEqualTo("0/30");
        }
        assertThat(Topics.read(kafka, topic, Integer.MAX_VALUE, Duration.ofSeconds(2))).extracting(ConsumedChange::key)
                .containsExactly("{\"id\":1}", "{\"id\":2}");
    }

    @Test
    void aSecondInstanceOfTheSameCaptureFencesTheFirstWhoseOpenTransactionNeverShows() {
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("fence");
        String topic = prefix + ".t";
        String offsets = offsetsTopic(kafka, prefix);
        try (TransactionalKafkaSink zombie = new TransactionalKafkaSink(kafka, List.of(topic), prefix + "-id", offsets)) {
            zombie.send(change(topic, 1), failure -> { });
            zombie.commit(new At("0/10"));
            zombie.send(change(topic, 2), failure -> { });
            try (TransactionalKafkaSink successor = new TransactionalKafkaSink(kafka, List.of(topic), prefix + "-id", offsets)) {
                assertThat(OffsetsTopic.read(kafka, offsets, prefix + "-id", Duration.ofSeconds(10))).isEqualTo("0/10");
                successor.send(change(topic, 2), failure -> { });
                successor.commit(new At("0/20"));

                CdcException fenced = catchThrowableOfType(() -> zombie.commit(new At("0/20")), CdcException.class);
                assertThat(fenced.getMessage()).startsWith("fenced by Kafka: another capture with transactional.id '" + prefix + "-id'")
                        .doesNotContain("\n");
            }
        }
        assertThat(Topics.read(kafka, topic, Integer.MAX_VALUE, Duration.ofSeconds(2))).extracting(ConsumedChange::key)
                .containsExactly("{\"id\":1}", "{\"id\":2}");
    }

    @Test
    void theCoordinatorTellsATransactionEndedByANewerInstanceFromOneThatCommitted() {
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("probe");
        String topic = prefix + ".t";
        String offsets = offsetsTopic(kafka, prefix);
        try (TransactionalKafkaSink older = new TransactionalKafkaSink(kafka, List.of(topic), prefix + "-id", offsets)) {
            older.send(change(topic, 1), failure -> { });
            older.commit(new At("0/10"));
            assertThat(TransactionCoordinatorProbe.endedByAnother(kafka, prefix + "-id", System.currentTimeMillis()))
                    .as("after its own commit").isFalse();

            older.send(change(topic, 2), failure -> { });
            older.flush();
            long olderFailedAt = System.currentTimeMillis();
            try (TransactionalKafkaSink newer = new TransactionalKafkaSink(kafka, List.of(topic), prefix + "-id", offsets)) {
                assertThat(TransactionCoordinatorProbe.endedByAnother(kafka, prefix + "-id", olderFailedAt))
                        .as("after a newer instance started").isTrue();
                newer.send(change(topic, 3), failure -> { });
                newer.flush();
                assertThat(TransactionCoordinatorProbe.endedByAnother(kafka, prefix + "-id", olderFailedAt))
                        .as("while the newer instance's transaction is open").isTrue();
            }
        }
        assertThat(TransactionCoordinatorProbe.endedByAnother(KafkaConfig.of("127.0.0.1:1"), prefix + "-id", 0))
                .as("when Kafka cannot be asked").isFalse();
    }
}
