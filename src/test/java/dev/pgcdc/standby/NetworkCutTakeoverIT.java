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
import dev.pgcdc.testing.SilentProxy;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The active capture's network goes silent (a proxy between it and PostgreSQL stops forwarding, sockets left
 * open): PostgreSQL ends the lock's idle session, the standby takes over within the idle timeout and some,
 * the cut-off one stops on its own within a bounded time (or is fenced by Kafka first), and nothing is lost or
 * duplicated.
 */
class NetworkCutTakeoverIT {

    /** Noticing (the lock check's own timeout) and stopping without waiting on the silent network. */
    private static final Duration CUT_OFF_EXIT_BOUND = Duration.ofSeconds(60);

    @Test
    void standbyTakesOverFromAnActiveCaptureCutOffTheNetwork() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("netcut");
        String topic = prefix + ".public.items";
        HotKeyWorkload.createTables(database);
        JournalSchema.install(database, List.of(new TableId("public", HotKeyWorkload.CAPTURED_TABLE)));
        URI direct = URI.create(database.url().substring("jdbc:".length()));
        try (SilentProxy proxy = new SilentProxy(direct.getPort())) {
            String throughProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + direct.getPath();
            try (PgcdcProcess active = PgcdcProcess.start(capture(throughProxy, database, kafka, prefix));
                 PgcdcProcess standby = StandbyTakeoverIT.startOnceActive(active, capture(database.url(), database, kafka, prefix))) {
                assertThat(standby.awaitLine("standby: waiting for the active capture", Duration.ofSeconds(60)))
                        .as(standby.output()).isTrue();
                HotKeyWorkload workload = HotKeyWorkload.startChanges(database, 2, 20, 3_000);
                Conditions.await("the active capture publishes", () -> Topics.size(kafka, topic) > 0, Duration.ofSeconds(30));

                proxy.cut();
                long cut = System.nanoTime();
                Duration bound = ActiveLock.IDLE_SESSION_TIMEOUT.plusSeconds(10);
                assertThat(standby.awaitLine("standby: the active capture is gone; taking over", bound.plusSeconds(20)))
                        .as(standby.output()).isTrue();
                long tookOver = System.nanoTime();
                assertThat(standby.awaitLine("Capturing journal", Duration.ofSeconds(60))).as(standby.output()).isTrue();
                assertThat(active.awaitExit(CUT_OFF_EXIT_BOUND)).as(active.output()).isNotZero();
                long activeEnded = System.nanoTime();
                assertThat(active.output()).containsAnyOf("pgcdc: lost the connection to PostgreSQL", "pgcdc: fenced by Kafka");
                workload.awaitCommits();
                Conditions.await("journal drained by the new active capture",
                        () -> query(database, "SELECT count(*) FROM pgcdc.journal").equals("0"), Duration.ofSeconds(60));
                standby.terminate();
                assertThat(standby.awaitExit(Duration.ofSeconds(60))).as(standby.output()).isZero();
                System.out.printf("network cut: standby took over %d ms after the cut (bound %d s), cut-off active ended after %d ms%n",
                        (tookOver - cut) / 1_000_000, bound.toSeconds(), (activeEnded - cut) / 1_000_000);
                assertThat(Duration.ofNanos(tookOver - cut)).as("takeover after the cut").isLessThan(bound.plusSeconds(20));
            }
        }
        List<ConsumedChange> records = Topics.read(kafka, topic, Integer.MAX_VALUE, Duration.ofSeconds(3));
        assertThat(ExactlyOnceCheck.of(records).duplicates()).as("changes delivered twice").isZero();
        assertThat(HotKeyWorkload.Replay.of(records).states()).as("each key's states, complete and in commit order")
                .isEqualTo(HotKeyWorkload.committedStates(database));
    }

    private static String[] capture(String url, DatabaseConfig database, KafkaConfig kafka, String prefix) {
        // The journal was installed before the first write, so it holds every change: no snapshot, whose reads
        // of rows the writers left alone in its window would add "r" states between their committed ones.
        return new String[] {"capture", "--mode", "trigger", "--db", url, "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--exactly-once", "--standby",
                "--snapshot", "no_data"};
    }

    private static String query(DatabaseConfig database, String sql) {
        try {
            return TestServices.query(database, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
