package dev.pgcdc.source;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.HotKeyWorkload;
import dev.pgcdc.testing.LogicalCapture;
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
 * A logical capture without {@code --standby} whose network goes silent (a proxy stops forwarding, sockets left
 * open, no reset) while writers keep writing: it notices within a bounded time instead of waiting on the silent
 * connections, and once the network is back it reconnects and delivers every change, in order. The capture's
 * {@code wal_sender_timeout} is set through the URL's {@code options}, so no other test's server setting changes.
 */
class LogicalNetworkCutIT {

    private static final Duration WAL_SENDER_TIMEOUT = Duration.ofSeconds(5);
    /** A check every heartbeat (1 s here) whose answer the metadata session waits for at most 15 s; and some. */
    private static final Duration NOTICE_BOUND = Duration.ofSeconds(40);

    @Test
    void captureCutOffTheNetworkReconnectsWhenItIsBackAndLosesNothing() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("lcut");
        String topic = prefix + ".public.items";
        HotKeyWorkload.createTables(database);
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", HotKeyWorkload.CAPTURED_TABLE)), false, false);
        URI direct = URI.create(database.url().substring("jdbc:".length()));
        AtomicBoolean done = new AtomicBoolean();
        try (SilentProxy proxy = new SilentProxy(direct.getPort())) {
            String throughProxy = "jdbc:postgresql://127.0.0.1:" + proxy.port() + direct.getPath()
                    + "?options=-c%20wal_sender_timeout%3D" + WAL_SENDER_TIMEOUT.toMillis();
            try (PgcdcProcess capture = PgcdcProcess.start("capture", "--mode", "logical", "--db", throughProxy,
                    "--user", database.user(), "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix,
                    "--heartbeat-interval", "1s", "--snapshot", "no_data")) {
                assertThat(capture.awaitLine("Capturing slot", Duration.ofSeconds(60))).as(capture.output()).isTrue();
                HotKeyWorkload workload = HotKeyWorkload.startUntil(database, 2, 20, done::get);
                Conditions.await("the capture publishes", () -> Topics.size(kafka, topic) > 0, Duration.ofSeconds(60));

                proxy.cut();
                long cut = System.nanoTime();
                assertThat(capture.awaitLine("no answer from PostgreSQL within", NOTICE_BOUND)).as(capture.output()).isTrue();
                long noticed = System.nanoTime();
                Conditions.await("PostgreSQL ends the silent walsender", () -> query(database,
                        "SELECT (NOT active)::text FROM pg_replication_slots WHERE slot_name = '" + prefix + "'").equals("true"),
                        Duration.ofSeconds(60));
                long writtenWhileCut = Topics.size(kafka, topic);
                proxy.heal();
                long healed = System.nanoTime();
                Conditions.await("the capture publishes again", () -> Topics.size(kafka, topic) > writtenWhileCut, Duration.ofSeconds(60));
                long resumed = System.nanoTime();

                done.set(true);
                workload.awaitCommits();
                String endOfWrites = TestServices.query(database, "SELECT pg_current_wal_lsn()::text");
                Conditions.await("slot confirmed past the last write", () -> query(database,
                        "SELECT (confirmed_flush_lsn >= '" + endOfWrites + "')::text FROM pg_replication_slots WHERE slot_name = '"
                                + prefix + "'").equals("true"), Duration.ofSeconds(60));
                long caughtUp = System.nanoTime();
                capture.terminate();
                assertThat(capture.awaitExit(Duration.ofSeconds(60))).as(capture.output()).isZero();
                System.out.printf("logical network cut without standby: noticed %d ms after the cut (bound %d s), publishing again"
                        + " %d ms after the network was back, caught up %d ms later, stopped in %d ms%n", (noticed - cut) / 1_000_000,
                        NOTICE_BOUND.toSeconds(), (resumed - healed) / 1_000_000, (caughtUp - resumed) / 1_000_000,
                        (System.nanoTime() - caughtUp) / 1_000_000);
            } finally {
                done.set(true);
                LogicalCapture.awaitSlotReleased(database, prefix);
                LogicalSetup.teardown(database, prefix, "pgcdc");
            }
        }
        List<ConsumedChange> records = Topics.read(kafka, topic, Math.toIntExact(Topics.size(kafka, topic)), Duration.ofSeconds(30));
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
