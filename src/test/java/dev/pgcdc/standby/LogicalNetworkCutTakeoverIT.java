package dev.pgcdc.standby;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.logical.LogicalSetup;
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
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logical mode, the active capture's network goes silent while writers keep writing (a proxy stops
 * forwarding, sockets left open): its walsender ends after {@code wal_sender_timeout}, which the active sets
 * on its own connections through the URL's {@code options} so no other test's server setting changes; the
 * standby takes over within that and 10 s, the cut-off one stops on its own within a bounded time, and a
 * read_committed replay shows each change once, in order.
 */
class LogicalNetworkCutTakeoverIT {

    private static final Duration WAL_SENDER_TIMEOUT = Duration.ofSeconds(10);
    /** What the issue allows: wal_sender_timeout + 10 s (the lock's idle_session_timeout is no longer). */
    private static final Duration TAKEOVER_BOUND = WAL_SENDER_TIMEOUT.plusSeconds(10);
    /** Noticing (the lock check's own timeout) and stopping without waiting on the silent network. */
    private static final Duration CUT_OFF_EXIT_BOUND = Duration.ofSeconds(60);

    @Test
    void standbyTakesOverTheSlotFromAnActiveCaptureCutOffTheNetwork() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("lnetcut");
        String topic = prefix + ".public.items";
        HotKeyWorkload.createTables(database);
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", HotKeyWorkload.CAPTURED_TABLE)), false, false);
        URI direct = URI.create(database.url().substring("jdbc:".length()));
        AtomicBoolean done = new AtomicBoolean();
        try (SilentProxy proxy = new SilentProxy(direct.getPort())) {
            String throughProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + direct.getPath()
                    + "?options=-c%20wal_sender_timeout%3D" + WAL_SENDER_TIMEOUT.toMillis();
            try (PgcdcProcess active = PgcdcProcess.start(capture(throughProxy, database, kafka, prefix));
                 PgcdcProcess standby = StandbyTakeoverIT.startOnceActive(active, capture(database.url(), database, kafka, prefix))) {
                assertThat(standby.awaitLine("standby: waiting for the active capture, pid " + active.pid(), Duration.ofSeconds(60)))
                        .as(standby.output()).isTrue();
                HotKeyWorkload workload = HotKeyWorkload.startUntil(database, 2, 20, done::get);
                Conditions.await("the active capture publishes", () -> Topics.size(kafka, topic) > 0, Duration.ofSeconds(30));

                proxy.cut();
                long cut = System.nanoTime();
                assertThat(standby.awaitLine("Capturing slot", TAKEOVER_BOUND.plusSeconds(30))).as(standby.output()).isTrue();
                long tookOver = System.nanoTime();
                assertThat(active.awaitExit(CUT_OFF_EXIT_BOUND)).as(active.output()).isNotZero();
                long activeEnded = System.nanoTime();
                assertThat(active.output()).containsAnyOf("pgcdc: lost the connection to PostgreSQL", "pgcdc: fenced by Kafka");
                long taken = Topics.size(kafka, topic);
                Conditions.await("the new active capture publishes", () -> Topics.size(kafka, topic) > taken, Duration.ofSeconds(30));

                done.set(true);
                workload.awaitCommits();
                String endOfWrites = TestServices.query(database, "SELECT pg_current_wal_lsn()::text");
                Conditions.await("slot confirmed past the last write", () -> query(database,
                        "SELECT (confirmed_flush_lsn >= '" + endOfWrites + "')::text FROM pg_replication_slots WHERE slot_name = '"
                                + prefix + "'").equals("true"), Duration.ofSeconds(60));
                standby.terminate();
                assertThat(standby.awaitExit(Duration.ofSeconds(60))).as(standby.output()).isZero();
                System.out.printf("logical network cut: standby capturing %d ms after the cut (bound %d s), cut-off active ended after %d ms%n",
                        (tookOver - cut) / 1_000_000, TAKEOVER_BOUND.toSeconds(), (activeEnded - cut) / 1_000_000);
                assertThat(Duration.ofNanos(tookOver - cut)).as("takeover after the cut").isLessThan(TAKEOVER_BOUND.plusSeconds(20));
            } finally {
                done.set(true);
                LogicalSetup.teardown(database, prefix, "pgcdc");
            }
        }
        List<ConsumedChange> records = Topics.read(kafka, topic, Integer.MAX_VALUE, Duration.ofSeconds(3));
        assertThat(ExactlyOnceCheck.of(records).duplicates()).as("changes delivered twice").isZero();
        assertThat(HotKeyWorkload.Replay.of(records).states()).as("each key's states, complete and in commit order")
                .isEqualTo(HotKeyWorkload.committedStates(database));
    }

    private static String[] capture(String url, DatabaseConfig database, KafkaConfig kafka, String prefix) {
        // Streaming only: the slot is new; an initial snapshot would read rows written after the start again.
        return new String[] {"capture", "--mode", "logical", "--snapshot", "no_data", "--db", url, "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix, "--exactly-once", "--standby"};
    }

    private static String query(DatabaseConfig database, String sql) {
        try {
            return TestServices.query(database, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
