package dev.pgcdc.sink.kafka;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.embedded.EmbeddedKafkaBroker;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A broker outage under a running capture, as the user sees it: said within seconds, and a stop during it says what it waits for. */
class KafkaOutageNoticeIT {

    @Test
    void outageIsSaidWithinSecondsAndSigtermDuringItEndsWithAClearLine() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
        String prefix = TestServices.uniqueName("notice");
        try (EmbeddedKafkaBroker doomed = EmbeddedKafkaBroker.start();
             // Streaming only: the slot is new; an initial snapshot would read rows written after the start again.
             PgcdcProcess capture = PgcdcProcess.start("capture", "--mode", "logical", "--db", database.url(), "--user", "postgres",
                     "--snapshot", "no_data", "--kafka", doomed.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix)) {
            assertThat(capture.awaitLine("Capturing slot " + prefix, Duration.ofSeconds(60))).as(capture.output()).isTrue();
            TestServices.execute(database, "INSERT INTO t VALUES (1)");
            assertThat(Topics.read(KafkaConfig.of(doomed.bootstrapServers()), prefix + ".public.t", 1, Duration.ofSeconds(30))).hasSize(1);

            doomed.close();
            long outageAt = System.nanoTime();
            String insideUndelivered = insertReturningWalPosition(database);
            assertThat(capture.awaitLine("pgcdc: Kafka at " + doomed.bootstrapServers() + " unreachable since", Duration.ofSeconds(20)))
                    .as(capture.output()).isTrue();
            long noticeSeconds = Duration.ofNanos(System.nanoTime() - outageAt).toSeconds();
            assertThat(noticeSeconds).as("outage said within seconds").isLessThanOrEqualTo(12);
            assertThat(capture.output()).contains("nothing after them confirmed to PostgreSQL");

            capture.terminate();
            assertThat(capture.awaitLine("pgcdc: stopping: waiting up to 60 s for Kafka at " + doomed.bootstrapServers(),
                    Duration.ofSeconds(10))).as(capture.output()).isTrue();
            assertThat(capture.awaitExit(Duration.ofSeconds(120))).as(capture.output()).isEqualTo(5);
            // Which comes first, the stop's drain limit or the producer's own time-out, is up to timing; both say the same.
            assertThat(capture.output())
                    .containsAnyOf("pgcdc: stopped before Kafka at " + doomed.bootstrapServers() + " acknowledged",
                            "pgcdc: Kafka at " + doomed.bootstrapServers() + " did not acknowledge a change")
                    .contains("nothing from there on was confirmed to PostgreSQL; it will be captured again at the next start")
                    .doesNotContain("InterruptedException").doesNotContain("Kafka refused a change");
            // Before the undelivered transaction's commit: a position without events ahead of it (a heartbeat) may be confirmed.
            assertThat(TestServices.query(database, "SELECT (confirmed_flush_lsn < '" + insideUndelivered + "')::text "
                    + "FROM pg_replication_slots WHERE slot_name = '" + prefix + "'")).as("nothing undelivered confirmed").isEqualTo("true");
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }

    /** Inserts rows 2 and 3 in one transaction; a WAL position inside it, below its commit record. */
    private static String insertReturningWalPosition(DatabaseConfig database) throws SQLException {
        try (Connection connection = TestServices.connect(database); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("INSERT INTO t VALUES (2); INSERT INTO t VALUES (3)");
            String inside;
            try (ResultSet position = statement.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                position.next();
                inside = position.getString(1);
            }
            connection.commit();
            return inside;
        }
    }
}
