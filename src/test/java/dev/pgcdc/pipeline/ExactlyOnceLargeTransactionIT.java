package dev.pgcdc.pipeline;

import dev.pgcdc.config.ConsumeConfig;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.TopicConsumer;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 1,000,000-row PostgreSQL transaction under --exactly-once, heap capped at 256 MB: it stays whole in one
 * Kafka transaction, which Kafka holds; capture streams it into that transaction instead of buffering it.
 */
class ExactlyOnceLargeTransactionIT {

    private static final int ROWS = 1_000_000;

    @Test
    void millionRowTransactionGoesIntoOneKafkaTransactionWithBoundedMemory() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("eobig");
        TestServices.execute(database, "CREATE TABLE bulk (id int PRIMARY KEY, payload text)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "bulk")), false, false);
        // Streaming only: the slot is new; an initial snapshot would read rows written after the start again.
        try (PgcdcProcess capture = PgcdcProcess.startWithHeap("256m", "capture", "--mode", "logical", "--db", database.url(),
                "--snapshot", "no_data",
                "--user", database.user(), "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix,
                "--exactly-once")) {
            assertThat(capture.awaitLine("Capturing slot", Duration.ofSeconds(60))).as(capture.output()).isTrue();
            long start = System.nanoTime();
            TestServices.execute(database, "INSERT INTO bulk SELECT g, repeat('x', 100) || g FROM generate_series(1, " + ROWS + ") g");

            AtomicLong idSum = new AtomicLong();
            ConsumeConfig all = new ConsumeConfig(prefix + ".public.bulk", true, null, ConsumeConfig.Format.JSON, ROWS, Duration.ofSeconds(240));
            long consumed;
            try (TopicConsumer consumer = new TopicConsumer(kafka, all)) {
                consumed = consumer.run(change -> idSum.addAndGet(Long.parseLong(change.key().replaceAll("\\D", ""))));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long peakRss = capture.peakRssMb();
            assertThat(capture.output()).doesNotContain("OutOfMemoryError");
            capture.terminate();
            assertThat(capture.awaitExit(Duration.ofSeconds(120))).as(capture.output()).isZero();

            assertThat(consumed).isEqualTo(ROWS);
            assertThat(idSum.get()).as("every id once").isEqualTo((long) ROWS * (ROWS + 1) / 2);
            System.out.printf("exactly-once 1M-row transaction: %.1f s commit-to-consumed (%.0f events/s), capture peak RSS %d MB with -Xmx256m%n",
                    seconds, ROWS / seconds, peakRss);
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }
}
