package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.pgcdc.testing.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The slot keeps advancing whatever the order of acknowledgements, heartbeats and empty transactions. */
class LogicalSlotAdvanceIT {

    private static final Duration HEARTBEAT = Duration.ofSeconds(2);

    @Test
    void slotAdvancesOnOtherTablesWalAfterAHeartbeatArrivedWhileTwoTransactionsWereInFlight() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("stall");
        TestServices.execute(database, "CREATE TABLE captured (id int PRIMARY KEY); CREATE TABLE other (id serial PRIMARY KEY, v text)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "captured")), false, false);
        LogicalCaptureConfig config = new LogicalCaptureConfig(prefix, "pgcdc", prefix, true, HEARTBEAT, false);
        List<String> topics = LogicalSource.topicsOfPublishedTables(database, config);
        KafkaClusterCheck.ensureTopics(kafka, topics, Duration.ofSeconds(30));
        GatedSink sink = new GatedSink(new KafkaSink(kafka, topics));
        try (Capture capture = Capture.start(LogicalSource.open(database, config), sink)) {
            // T in flight (its acknowledgement held), then a position without events, then U sent before T's acknowledgement.
            sink.holdAcknowledgements();
            TestServices.execute(database, "INSERT INTO captured VALUES (1)");
            await("T sent", () -> sink.sent() >= 1, Duration.ofSeconds(30));
            TestServices.execute(database, "SELECT pg_logical_emit_message(false, 'test', 'between T and U')");
            TestServices.execute(database, "INSERT INTO captured VALUES (2)");
            await("U sent", () -> sink.sent() >= 2, Duration.ofSeconds(30));
            sink.releaseAcknowledgements();
            assertThat(Topics.read(kafka, prefix + ".public.captured", 2, Duration.ofSeconds(30))).hasSize(2);

            // Only other tables write from now on (on PostgreSQL 14 each is an empty transaction in the stream).
            for (int i = 0; i < 20; i++) {
                TestServices.execute(database, "INSERT INTO other (v) SELECT repeat('x', 1000) FROM generate_series(1, 100)");
            }
            String otherTablesWal = TestServices.query(database, "SELECT pg_current_wal_lsn()::text");
            await("slot confirmed past " + otherTablesWal + " within two heartbeat intervals", () -> slotConfirmedPast(database, prefix, otherTablesWal),
                    HEARTBEAT.multipliedBy(2).plusMillis(ReplicationReader.STATUS_INTERVAL_MILLIS));
            assertThat(capture.isRunning()).isTrue();
            await("when the slot advanced past the other tables' WAL recorded within two heartbeat intervals",
                    () -> advanceRecordedPast(database, prefix, otherTablesWal), HEARTBEAT.multipliedBy(2).plusSeconds(1));
            CliRun status = CliRun.of("status", "--db", database.url(), "--user", database.user(), "--slot", prefix);
            assertThat(status.out()).as(status.err()).contains(", last advanced ", " s ago (",
                    "of WAL since; last status from capture ", " s ago), retaining ");
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }

    @Test
    void slotKeepsAdvancingAfterTheHeartbeatConnectionIsKilled() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("hbkill");
        TestServices.execute(database, "CREATE TABLE captured (id int PRIMARY KEY); CREATE TABLE other (id serial PRIMARY KEY, v text)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "captured")), false, false);
        LogicalCaptureConfig config = new LogicalCaptureConfig(prefix, "pgcdc", prefix, true, Duration.ofSeconds(1), false);
        List<String> topics = LogicalSource.topicsOfPublishedTables(database, config);
        KafkaClusterCheck.ensureTopics(kafka, topics, Duration.ofSeconds(30));
        String metadataBackends = "FROM pg_stat_activity WHERE application_name = '" + LogicalSource.APPLICATION_NAME
                + "' AND backend_type = 'client backend' AND datname = current_database()";
        try (Capture capture = Capture.start(LogicalSource.open(database, config), new KafkaSink(kafka, topics))) {
            String killed = TestServices.query(database, "SELECT pid::text " + metadataBackends);
            assertThat(killed).isNotEmpty();
            TestServices.execute(database, "SELECT pg_terminate_backend(pid) " + metadataBackends);

            TestServices.execute(database, "INSERT INTO other (v) SELECT repeat('x', 1000) FROM generate_series(1, 2000)");
            String otherTablesWal = TestServices.query(database, "SELECT pg_current_wal_lsn()::text");
            await("slot confirmed past other tables' WAL after the heartbeat connection was killed",
                    () -> slotConfirmedPast(database, prefix, otherTablesWal), Duration.ofSeconds(15));
            await("heartbeat connection re-established", () -> {
                try {
                    String pid = TestServices.query(database, "SELECT pid::text " + metadataBackends);
                    return !pid.isEmpty() && !pid.equals(killed);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, Duration.ofSeconds(15));
            assertThat(capture.isRunning()).isTrue();
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }

    private static boolean advanceRecordedPast(DatabaseConfig database, String slot, String lsn) {
        try {
            return TestServices.query(database, "SELECT (confirmed_lsn >= '" + lsn + "')::text FROM " + SlotProgress.TABLE
                    + " WHERE slot_name = '" + slot + "'").equals("true");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean slotConfirmedPast(DatabaseConfig database, String slot, String lsn) {
        try {
            return TestServices.query(database, "SELECT (confirmed_flush_lsn >= '" + lsn + "')::text FROM pg_replication_slots WHERE slot_name = '"
                    + slot + "'").equals("true");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
