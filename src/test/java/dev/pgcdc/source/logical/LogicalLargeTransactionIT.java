package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.ConsumeConfig;
import dev.pgcdc.consume.TopicConsumer;
import dev.pgcdc.event.TableId;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Big transactions, of many rows or of big rows, stream through a capture whose heap is capped at 256 MB. */
class LogicalLargeTransactionIT {

    private static final int ROWS = 1_000_000;

    @Test
    void millionRowTransactionStreamsThroughWithBoundedMemory() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("big");
        TestServices.execute(database, "CREATE TABLE bulk (id int PRIMARY KEY, payload text)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "bulk")), false, false);
        try (PgcdcProcess capture = PgcdcProcess.startWithHeap("256m", "capture", "--mode", "logical", "--db", database.url(),
                "--user", database.user(), "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix)) {
            assertThat(capture.awaitLine("Capturing slot", Duration.ofSeconds(60))).as(capture.output()).isTrue();
            long start = System.nanoTime();
            TestServices.execute(database, "INSERT INTO bulk SELECT g, repeat('x', 100) || g FROM generate_series(1, " + ROWS + ") g");

            AtomicLong idSum = new AtomicLong();
            ConsumeConfig all = new ConsumeConfig(prefix + ".public.bulk", true, null, ConsumeConfig.Format.JSON, ROWS, Duration.ofSeconds(60));
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
            System.out.printf("logical 1M-row transaction: %.1f s commit-to-consumed (%.0f events/s), capture peak RSS %d MB with -Xmx256m%n",
                    seconds, ROWS / seconds, peakRss);
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }

    @Test
    void thousandOneMegabyteRowsInOneTransactionStreamThroughWithBoundedMemory() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("bigrows");
        int rows = 1_000;
        TestServices.execute(database, "CREATE TABLE big (id int PRIMARY KEY, payload text)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "big")), false, false);
        try (PgcdcProcess capture = PgcdcProcess.startWithHeap("256m", "capture", "--mode", "logical", "--db", database.url(),
                "--user", database.user(), "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix)) {
            assertThat(capture.awaitLine("Capturing slot", Duration.ofSeconds(60))).as(capture.output()).isTrue();
            long start = System.nanoTime();
            // 1 MB per row (32,768 md5s of 32 characters); PostgreSQL and lz4 compress it, capture holds it decoded.
            TestServices.execute(database, "INSERT INTO big SELECT g, repeat(md5(g::text), 32768) FROM generate_series(1, " + rows + ") g");

            AtomicLong idSum = new AtomicLong();
            ConsumeConfig all = new ConsumeConfig(prefix + ".public.big", true, null, ConsumeConfig.Format.JSON, rows, Duration.ofSeconds(120));
            long consumed;
            try (TopicConsumer consumer = new TopicConsumer(kafka, all)) {
                consumed = consumer.run(change -> idSum.addAndGet(Long.parseLong(change.key().replaceAll("\\D", ""))));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long peakRss = capture.peakRssMb();
            assertThat(capture.output()).doesNotContain("OutOfMemoryError");
            capture.terminate();
            assertThat(capture.awaitExit(Duration.ofSeconds(120))).as(capture.output()).isZero();

            assertThat(consumed).isEqualTo(rows);
            assertThat(idSum.get()).as("every id once").isEqualTo((long) rows * (rows + 1) / 2);
            assertThat(peakRss).as("capture's peak RSS in MB, heap capped at 256 MB").isLessThan(768);
            System.out.printf("logical 1,000 x 1 MB rows in one transaction: %.1f s commit-to-consumed, capture peak RSS %d MB with -Xmx256m%n",
                    seconds, peakRss);
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }
}
