package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.ConsumeConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.consume.TopicConsumer;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Big transactions, of many rows or of big rows, stream through a capture started with the launcher's heap and settings. */
class LogicalLargeTransactionIT {

    private static final int ROWS = 1_000_000;

    @Test
    void millionRowTransactionStreamsThroughWithBoundedMemory() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("big");
        TestServices.execute(database, "CREATE TABLE bulk (id int PRIMARY KEY, payload text)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "bulk")), false, false);
        // Streaming only: the slot is new; an initial snapshot would read rows written after the start again.
        try (PgcdcProcess capture = PgcdcProcess.startLikeTheLauncher("capture", "--mode", "logical", "--db", database.url(),
                "--snapshot", "no_data",
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
            System.out.printf("logical 1M-row transaction: %.1f s commit-to-consumed (%.0f events/s), capture peak RSS %d MB with the launcher's %s%n",
                    seconds, ROWS / seconds, peakRss, PgcdcProcess.LAUNCHER_JVM_OPTIONS);
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
        try (PgcdcProcess capture = PgcdcProcess.startLikeTheLauncher("capture", "--mode", "logical", "--db", database.url(),
                "--snapshot", "no_data",
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
            assertThat(peakRss).as("capture's peak RSS in MB with the launcher's heap").isLessThan(768);
            System.out.printf("logical 1,000 x 1 MB rows in one transaction: %.1f s commit-to-consumed, capture peak RSS %d MB with the launcher's %s%n",
                    seconds, peakRss, PgcdcProcess.LAUNCHER_JVM_OPTIONS);
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }

    @Test
    void runningOutOfMemoryEndsCaptureWithANonZeroExitAndLosesNothing() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("oom");
        String[] capture = {"capture", "--mode", "logical", "--snapshot", "no_data", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix};
        TestServices.execute(database, "CREATE TABLE huge (id int PRIMARY KEY, payload text)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "huge")), false, false);
        try {
            try (PgcdcProcess starved = PgcdcProcess.startWithHeap("48m", capture)) {
                assertThat(starved.awaitLine("Capturing slot", Duration.ofSeconds(60))).as(starved.output()).isTrue();
                // 24 MB of text in one row: held twice while decoded, more than a 48 MB heap has room for
                TestServices.execute(database, "INSERT INTO huge VALUES (1, repeat(md5('x'), 750000))");
                assertThat(starved.awaitExit(Duration.ofSeconds(120))).as(starved.output()).isNotZero();
                assertThat(starved.output()).contains("OutOfMemoryError");
            }
            try (PgcdcProcess roomy = PgcdcProcess.start(capture)) {
                List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.huge", 1, Duration.ofSeconds(60));
                assertThat(records).as("the change is captured by the next start; output:%n%s", roomy.output()).singleElement()
                        .satisfies(record -> assertThat(Json.parse(record.value()).get("after").get("payload").asText()).hasSize(24_000_000));
            }
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }
}
