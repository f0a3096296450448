package dev.pgcdc.pipeline;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.sink.kafka.OffsetsTopic;
import dev.pgcdc.sink.kafka.TransactionalKafkaSink;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.source.logical.LogicalSource;
import dev.pgcdc.testing.CrashablePostgres;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.ExactlyOnceCheck;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL crashes (immediate shutdown) and restarts under exactly-once logical capture while a writer goes
 * on: capture reconnects in-process, reads again from its confirmed position and drops its uncommitted Kafka
 * transaction, so every row committed before or after the crash is in the topic exactly once.
 */
class ExactlyOnceServerRestartIT {

    @Test
    void reconnectAfterAPostgresCrashDuplicatesNothing() throws Exception {
        KafkaConfig kafka = TestServices.kafka();
        Path data = Files.createTempDirectory("pgcdc-eo-restart-");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        DatabaseConfig database = new DatabaseConfig("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", null);
        String prefix = TestServices.uniqueName("eorestart");
        String topic = prefix + ".public.t";
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "pgcdc");
        EmbeddedPostgres server = CrashablePostgres.start(data, port);
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(database, writing), "restart-writer");
        Capture capture = null;
        try {
            TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY, note text)");
            LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
            OffsetsTopic.ensure(kafka, OffsetsTopic.name(prefix), Duration.ofSeconds(10));
            TransactionalKafkaSink sink = new TransactionalKafkaSink(kafka, List.of(topic), "pgcdc-test-" + prefix, OffsetsTopic.name(prefix));
            capture = Capture.startExactlyOnce(LogicalSource.open(database, config), sink, Duration.ofMillis(100));
            writer.start();
            Conditions.await("changes flow", () -> Topics.size(kafka, topic) > 200, Duration.ofSeconds(60));

            CrashablePostgres.crash(data);
            server.close();
            server = CrashablePostgres.start(data, port);
            long before = Topics.size(kafka, topic);
            Conditions.await("changes flow again", () -> Topics.size(kafka, topic) > before + 200, Duration.ofSeconds(60));
            writing.set(false);
            writer.join();
            String endOfWrites = TestServices.query(database, "SELECT pg_current_wal_lsn()::text");
            Conditions.await("slot confirmed past the last write", () -> LogicalExactlyOnceCrashIT.query(database,
                    "SELECT (confirmed_flush_lsn >= '" + endOfWrites + "')::text FROM pg_replication_slots WHERE slot_name = '"
                            + config.slot() + "'").equals("true"), Duration.ofSeconds(60));
            assertThat(capture.isRunning()).isTrue();

            List<ConsumedChange> records = Topics.read(kafka, topic, Integer.MAX_VALUE, Duration.ofSeconds(3));
            assertThat(ExactlyOnceCheck.of(records).duplicates()).as("changes delivered twice").isZero();
            Set<Integer> published = new TreeSet<>();
            records.forEach(record -> published.add(Integer.parseInt(record.key().replaceAll("\\D", ""))));
            assertThat(published).as("every committed row, once").isEqualTo(TestServices.rowsById(database, "t").keySet());
            assertThat(records).hasSize(published.size());
        } finally {
            writing.set(false);
            writer.join();
            if (capture != null) {
                capture.close();
            }
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
            server.close();
        }
    }

    /** Inserts ids in order, some three to a transaction, going on through the crash. */
    private static void write(DatabaseConfig database, AtomicBoolean writing) {
        int next = 1;
        while (writing.get()) {
            try (Connection connection = TestServices.connect(database); Statement statement = connection.createStatement()) {
                while (writing.get()) {
                    int rows = next % 5 == 0 ? 3 : 1;
                    connection.setAutoCommit(rows == 1);
                    for (int i = 0; i < rows; i++) {
                        statement.executeUpdate("INSERT INTO t VALUES (" + (next + i) + ", 'x') ON CONFLICT DO NOTHING");
                    }
                    if (rows > 1) {
                        connection.commit();
                    }
                    next += rows;
                }
            } catch (SQLException e) {
                next += 3; // the server is down: whether the last commit made it, the table says
                try {
                    Thread.sleep(100); // a retry pause while the server restarts
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
