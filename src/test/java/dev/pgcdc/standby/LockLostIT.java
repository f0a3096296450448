package dev.pgcdc.standby;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.trigger.JournalSchema;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.ExactlyOnceCheck;
import dev.pgcdc.testing.HotKeyWorkload;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The active capture's lock is released under it (its lock session terminated, as when its connection is
 * lost): the standby takes over, the old active one stops with one line — because it saw its lock go, or
 * because Kafka fenced it, whichever comes first — and nothing is duplicated or lost.
 */
class LockLostIT {

    @Test
    void anActiveCaptureThatLosesItsLockStopsAndTheStandbyTakesOver() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("locklost");
        String topic = prefix + ".public.items";
        HotKeyWorkload.createTables(database);
        JournalSchema.install(database, List.of(new TableId("public", HotKeyWorkload.CAPTURED_TABLE)));
        // The journal was installed before the first write, so it holds every change: no snapshot, whose reads
        // of rows the writers left alone in its window would add "r" states between their committed ones.
        String[] capture = {"capture", "--mode", "trigger", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--exactly-once", "--standby",
                "--snapshot", "no_data"};
        AtomicBoolean done = new AtomicBoolean();
        HotKeyWorkload workload = HotKeyWorkload.startUntil(database, 2, 20, done::get);
        try (PgcdcProcess active = PgcdcProcess.start(capture);
             PgcdcProcess standby = StandbyTakeoverIT.startOnceActive(active, capture)) {
            assertThat(standby.awaitLine("standby: waiting for the active capture, pid " + active.pid(), Duration.ofSeconds(60)))
                    .as(standby.output()).isTrue();
            Conditions.await("the active capture publishes", () -> Topics.size(kafka, topic) > 0, Duration.ofSeconds(30));

            TestServices.query(database, "SELECT count(pg_terminate_backend(pid))::text FROM pg_stat_activity "
                    + "WHERE application_name LIKE 'pgcdc-active " + active.pid() + "@%'");
            assertThat(active.awaitExit(Duration.ofSeconds(60))).as(active.output()).isNotZero();
            assertThat(active.output()).containsAnyOf("pgcdc: lost the connection to PostgreSQL",
                    "pgcdc: fenced by Kafka");
            assertThat(standby.awaitLine("Capturing journal", Duration.ofSeconds(60))).as(standby.output()).isTrue();
            long taken = Topics.size(kafka, topic);
            Conditions.await("the new active capture publishes", () -> Topics.size(kafka, topic) > taken, Duration.ofSeconds(60));

            done.set(true);
            workload.awaitCommits();
            Conditions.await("journal drained", () -> query(database, "SELECT count(*) FROM pgcdc.journal").equals("0"),
                    Duration.ofSeconds(60));
            standby.terminate();
            assertThat(standby.awaitExit(Duration.ofSeconds(60))).as(standby.output()).isZero();
        } finally {
            done.set(true);
        }
        List<ConsumedChange> records = Topics.read(kafka, topic, Integer.MAX_VALUE, Duration.ofSeconds(3));
        assertThat(ExactlyOnceCheck.of(records).duplicates()).as("changes delivered twice").isZero();
        assertThat(HotKeyWorkload.Replay.of(records).states()).as("each key's states, complete and in commit order")
                .isEqualTo(HotKeyWorkload.committedStates(database));
    }

    private static String query(DatabaseConfig database, String sql) {
        try {
            return TestServices.query(database, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
