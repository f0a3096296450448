package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM during a steady stream, then a restart: nothing is delivered twice. */
class LogicalCleanStopIT {

    @Test
    void restartAfterSigtermDuringASteadyStreamDeliversEveryChangeExactlyOnce() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("clean");
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
        // Streaming only: the slot is new; an initial snapshot would read rows written after the start again.
        String[] capture = {"capture", "--mode", "logical", "--snapshot", "no_data", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix, "--heartbeat-interval", "1s"};
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        Thread writer = new Thread(() -> write(database, writing, written), "steady-writer");
        StringBuilder outputs = new StringBuilder();
        try {
            try (PgcdcProcess first = PgcdcProcess.start(capture)) {
                assertThat(first.awaitLine("Capturing slot", Duration.ofSeconds(60))).as(first.output()).isTrue();
                writer.start();
                Conditions.await("rows written while capture runs", () -> written.get() >= 300, Duration.ofSeconds(60));
                first.terminate();
                assertThat(first.awaitExit(Duration.ofSeconds(60))).as(first.output()).isZero();
                outputs.append("first capture:\n").append(first.output()).append("slot after the first stop: ")
                        .append(TestServices.query(database,
                                "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '" + prefix + "'"))
                        .append('\n');
            }
            try (PgcdcProcess second = PgcdcProcess.start(capture)) {
                assertThat(second.awaitLine("Capturing slot", Duration.ofSeconds(60))).as(second.output()).isTrue();
                int atRestart = written.get();
                Conditions.await("rows written after the restart", () -> written.get() >= atRestart + 200, Duration.ofSeconds(60));
                writing.set(false);
                writer.join();
                String endOfWrites = TestServices.query(database, "SELECT pg_current_wal_lsn()::text");
                Conditions.await("slot confirmed past the last write",
                        () -> LogicalSlotAdvanceIT.slotConfirmedPast(database, prefix, endOfWrites), Duration.ofSeconds(60));
                second.terminate();
                assertThat(second.awaitExit(Duration.ofSeconds(60))).as(second.output()).isZero();
                outputs.append("second capture:\n").append(second.output());
            }

            List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.t", written.get(), Duration.ofSeconds(10));
            Map<String, Long> perKey = records.stream().collect(Collectors.groupingBy(ConsumedChange::key, Collectors.counting()));
            Map<String, Long> duplicates = perKey.entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            System.out.printf("logical clean stop: %d rows written, %d records, %d keys delivered more than once%n",
                    written.get(), records.size(), duplicates.size());
            records.stream().filter(record -> duplicates.containsKey(record.key()))
                    .forEach(record -> outputs.append("re-sent: ").append(record.value()).append('\n'));
            assertThat(duplicates).as("keys delivered twice after SIGTERM and restart; %s", outputs).isEmpty();
            assertThat(perKey).hasSize(written.get());
        } finally {
            writing.set(false);
            writer.join();
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }

    /**
     * The schedule behind the re-sent rows: a heartbeat arrives while T is in flight, U is sent before T's
     * acknowledgement, then a clean stop. The slot must end at U's commit, not at the heartbeat before it.
     */
    @Test
    void cleanStopRightAfterAHeartbeatBetweenTwoInFlightTransactionsLeavesNothingToResend() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("cleanhb");
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
        LogicalCaptureConfig config = new LogicalCaptureConfig(prefix, "pgcdc", prefix, false, Duration.ofSeconds(30), false);
        List<String> topics = LogicalSource.topicsOfPublishedTables(database, config);
        KafkaClusterCheck.ensureTopics(kafka, topics, Duration.ofSeconds(30));
        try {
            GatedSink sink = new GatedSink(new KafkaSink(kafka, topics));
            try (Capture ignored = Capture.start(LogicalSource.open(database, config), sink)) {
                sink.holdAcknowledgements();
                TestServices.execute(database, "INSERT INTO t VALUES (1)");
                Conditions.await("T sent", () -> sink.sent() >= 1, Duration.ofSeconds(30));
                TestServices.execute(database, "SELECT pg_logical_emit_message(false, 'test', 'between T and U')");
                TestServices.execute(database, "INSERT INTO t VALUES (2)");
                Conditions.await("U sent", () -> sink.sent() >= 2, Duration.ofSeconds(30));
                sink.releaseAcknowledgements();
            }
            try (Capture ignored = Capture.start(LogicalSource.open(database, config), new KafkaSink(kafka, topics))) {
                TestServices.execute(database, "INSERT INTO t VALUES (3)");
                List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.t", 4, Duration.ofSeconds(5));
                assertThat(records).extracting(ConsumedChange::key).containsExactly("{\"id\":1}", "{\"id\":2}", "{\"id\":3}");
            }
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }

    /**
     * The schedule behind a re-sent row seen in CI: the stop falls between two changes of one transaction, whose
     * changes carry no position until the last. The stop sends the rest of it first, so a restart sends none again.
     */
    @Test
    void cleanStopInTheMiddleOfATransactionSendsItWholeFirst() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("cleanmid");
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
        LogicalCaptureConfig config = new LogicalCaptureConfig(prefix, "pgcdc", prefix, false, Duration.ofSeconds(30), false);
        List<String> topics = LogicalSource.topicsOfPublishedTables(database, config);
        KafkaClusterCheck.ensureTopics(kafka, topics, Duration.ofSeconds(30));
        try {
            GatedSink sink = new GatedSink(new KafkaSink(kafka, topics));
            sink.pauseAtSend(2);
            Capture capture = Capture.start(new OneChangePerPoll(LogicalSource.open(database, config)), sink);
            TestServices.execute(database, "INSERT INTO t SELECT generate_series(1, 5)");
            assertThat(sink.awaitPaused(Duration.ofSeconds(30))).as("the transaction's second change is being sent").isTrue();
            Thread stopper = new Thread(capture::close, "stopper");
            stopper.start();
            Conditions.await("stop requested", () -> stopper.getState() == Thread.State.TIMED_WAITING, Duration.ofSeconds(30));
            sink.resume();
            stopper.join();

            try (Capture ignored = Capture.start(LogicalSource.open(database, config), new KafkaSink(kafka, topics))) {
                TestServices.execute(database, "INSERT INTO t VALUES (6)");
                List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.t", 7, Duration.ofSeconds(5));
                assertThat(records).extracting(ConsumedChange::key).containsExactly("{\"id\":1}", "{\"id\":2}", "{\"id\":3}",
                        "{\"id\":4}", "{\"id\":5}", "{\"id\":6}");
            }
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }

    /** Single-row transactions and, every tenth, one of five rows, until told to stop. */
    private static void write(DatabaseConfig database, AtomicBoolean writing, AtomicInteger written) {
        try (Connection connection = TestServices.connect(database);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO t SELECT generate_series(?, ?)")) {
            for (int round = 1; writing.get(); round++) {
                int rows = round % 10 == 0 ? 5 : 1;
                insert.setInt(1, written.get() + 1);
                insert.setInt(2, written.get() + rows);
                insert.executeUpdate();
                written.addAndGet(rows);
                Thread.sleep(2); // a steady stream, not a flood: a few hundred rows a second
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException("writer failed: " + e.getMessage(), e);
        }
    }
}
