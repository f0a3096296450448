package dev.pgcdc.pipeline;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.embedded.EmbeddedKafkaBroker;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.TableId;
import dev.pgcdc.sink.kafka.OffsetsTopic;
import dev.pgcdc.sink.kafka.TransactionalKafkaSink;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.source.logical.Lsn;
import dev.pgcdc.source.logical.LogicalSource;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.ExactlyOnceCheck;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

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
 * The Kafka broker restarts under exactly-once logical capture while a writer goes on. Capture either rides
 * it out or stops without confirming what Kafka did not commit; started again as a supervisor would, it
 * resumes from the stored position. Either way every committed row is in the topic exactly once.
 */
class ExactlyOnceBrokerRestartIT {

    @Test
    void aBrokerRestartDuplicatesAndLosesNothing() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("eobroker");
        String topic = prefix + ".public.t";
        String offsets = OffsetsTopic.name(prefix);
        String transactionalId = "pgcdc-test-" + prefix;
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "pgcdc");
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(database, writing), "broker-restart-writer");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            KafkaConfig kafka = KafkaConfig.of(broker.bootstrapServers());
            OffsetsTopic.ensure(kafka, offsets, Duration.ofSeconds(10));
            Capture capture = start(database, kafka, config, offsets, transactionalId);
            writer.start();
            Conditions.await("changes flow", () -> Topics.size(kafka, topic) > 200, Duration.ofSeconds(60));

            broker.restart();
            long afterRestart = Topics.size(kafka, topic);
            int restarts = 0;
            while (Topics.size(kafka, topic) < afterRestart + 200) {
                if (!capture.isRunning()) {
                    restarts++;
                    capture.close();
                    capture = start(database, kafka, config, offsets, transactionalId);
                }
                assertThat(restarts).as("captures started again after the broker restart").isLessThan(5);
                Thread.sleep(200); // polling both the topic and the capture's liveness
            }
            writing.set(false);
            writer.join();
            String endOfWrites = TestServices.query(database, "SELECT pg_current_wal_lsn()::text");
            Capture last = capture;
            Conditions.await("slot confirmed past the last write", () -> last.isRunning() && LogicalExactlyOnceCrashIT.query(database,
                    "SELECT (confirmed_flush_lsn >= '" + endOfWrites + "')::text FROM pg_replication_slots WHERE slot_name = '"
                            + config.slot() + "'").equals("true"), Duration.ofSeconds(60));
            capture.close();

            List<ConsumedChange> records = Topics.read(kafka, topic, Integer.MAX_VALUE, Duration.ofSeconds(3));
            assertThat(ExactlyOnceCheck.of(records).duplicates()).as("changes delivered twice").isZero();
            Set<Integer> published = new TreeSet<>();
            records.forEach(record -> published.add(Integer.parseInt(record.key().replaceAll("\\D", ""))));
            assertThat(published).as("every committed row").isEqualTo(TestServices.rowsById(database, "t").keySet());
            assertThat(records).hasSize(published.size());
            System.out.printf("exactly-once broker restart: %d rows, capture started again %d time(s)%n", published.size(), restarts);
        } finally {
            writing.set(false);
            writer.join();
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
        }
    }

    private static Capture start(DatabaseConfig database, KafkaConfig kafka, LogicalCaptureConfig config, String offsets,
                                 String transactionalId) {
        TransactionalKafkaSink sink = new TransactionalKafkaSink(kafka, List.of(config.topicPrefix() + ".public.t"), transactionalId, offsets);
        try {
            String stored = OffsetsTopic.read(kafka, offsets, transactionalId, Duration.ofSeconds(30));
            LogicalSource source = LogicalSource.open(database, config, stored == null ? Lsn.ZERO : Lsn.parse(stored));
            return Capture.startExactlyOnce(source, sink, Duration.ofMillis(100));
        } catch (CdcException e) {
            sink.close();
            throw e;
        }
    }

    private static void write(DatabaseConfig database, AtomicBoolean writing) {
        try (Connection connection = TestServices.connect(database); Statement statement = connection.createStatement()) {
            for (int id = 1; writing.get(); id++) {
                statement.executeUpdate("INSERT INTO t VALUES (" + id + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
