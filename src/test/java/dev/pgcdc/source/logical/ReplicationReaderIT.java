package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.TableId;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.pgcdc.testing.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reader waits for the server on the socket: an idle stream costs no CPU, the slot still takes the
 * confirmed position while nothing is streamed, and a stop does not wait for a message.
 */
class ReplicationReaderIT {

    private static final Duration STATUS_INTERVAL = Duration.ofMillis(ReplicationReader.STATUS_INTERVAL_MILLIS);

    @Test
    void slotTakesTheConfirmedPositionWhileTheStreamIsIdle() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String slot = TestServices.uniqueName("idle");
        LogicalCaptureConfig config = install(database, slot);
        WalQueue queue = new WalQueue(1024 * 1024);
        try (ReplicationReader reader = ReplicationReader.start(database, config, true, false, Lsn.ZERO, queue)) {
            TestServices.execute(database, "INSERT INTO t VALUES (1)");
            Lsn commit = readUpToCommit(queue);

            reader.confirm(commit);
            // Nothing more to stream: only other tables write, and the walsender answers their WAL with keepalives.
            await("the slot confirmed at " + commit + " while the stream is idle", () -> {
                TestServices.execute(database, "INSERT INTO other DEFAULT VALUES");
                return slotConfirmedAtLeast(database, slot, commit);
            }, STATUS_INTERVAL.multipliedBy(3).plusSeconds(10));
            assertThat(reader.isReading()).isTrue();
        } finally {
            LogicalSetup.teardown(database, slot, "pgcdc");
        }
    }

    @Test
    void idleReaderWaitsOnTheSocketWithoutUsingCpu() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String slot = TestServices.uniqueName("park");
        LogicalCaptureConfig config = install(database, slot);
        WalQueue queue = new WalQueue(1024 * 1024);
        try (ReplicationReader reader = ReplicationReader.start(database, config, true, false, Lsn.ZERO, queue)) {
            TestServices.execute(database, "INSERT INTO t VALUES (1)");
            readUpToCommit(queue);
            long readerThread = readerThreadId(slot);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();

            long cpuBefore = threads.getThreadCpuTime(readerThread);
            long wallBefore = System.nanoTime();
            TestServices.execute(database, "INSERT INTO t VALUES (2)");
            readUpToCommit(queue); // woken by the change, not by a timer
            Thread.sleep(STATUS_INTERVAL.multipliedBy(2).toMillis()); // a span of idleness to measure; nothing to await
            long cpu = threads.getThreadCpuTime(readerThread) - cpuBefore;
            long wall = System.nanoTime() - wallBefore;

            // A reader that polls every few milliseconds spends 2-5% of a core idle; one parked on the socket ~0.
            assertThat((double) cpu / wall).as("share of a core the idle reader used").isLessThan(0.005);
            assertThat(reader.isReading()).isTrue();
        } finally {
            LogicalSetup.teardown(database, slot, "pgcdc");
        }
    }

    @Test
    void aReaderWhoseWalsenderIsGoneIsToldAndAbandonedStopsAsDisconnected() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String slot = TestServices.uniqueName("gone");
        LogicalCaptureConfig config = install(database, slot);
        WalQueue queue = new WalQueue(1024 * 1024);
        MetadataSession metadata = new MetadataSession(database, TestServices.connect(database), Duration.ofSeconds(1), true);
        try (ReplicationReader reader = ReplicationReader.start(database, config, true, false, Lsn.ZERO, queue)) {
            assertThat(metadata.slotStreamedByOther(slot, reader.walsenderPid())).as("streamed by the reader's walsender").isFalse();
            assertThat(metadata.slotStreamedByOther(slot, reader.walsenderPid() + 1)).isTrue();

            reader.abandon(); // what capture does once the check says its walsender is gone
            await("the reader stopped", () -> !reader.isReading(), Duration.ofSeconds(10));
            assertThat(reader.failure()).as("a lost connection, which capture reconnects").isInstanceOf(SQLException.class);
        } finally {
            metadata.close();
            LogicalSetup.teardown(database, slot, "pgcdc");
        }
    }

    @Test
    void cleanStopOfAnIdleStreamLeavesTheSlotAtTheLastPositionWithoutWaitingForAMessage() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String slot = TestServices.uniqueName("stop");
        LogicalCaptureConfig config = install(database, slot);
        LogicalSource source = LogicalSource.open(database, config);
        long stopTook;
        try {
            TestServices.execute(database, "INSERT INTO t VALUES (1)");
            List<ChangeEvent> events = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (events.isEmpty() && System.nanoTime() < deadline) {
                events.addAll(source.poll(Duration.ofMillis(200)));
            }
            assertThat(events).hasSize(1);
            source.commit(events.get(0).position());
            assertThat(source.poll(Duration.ofMillis(300))).as("the stream is idle").isEmpty();

            long start = System.nanoTime();
            source.close();
            stopTook = System.nanoTime() - start;
            Lsn last = (Lsn) events.get(0).position();
            assertThat(slotConfirmedAtLeast(database, slot, last)).as("the slot shows " + last).isTrue();
            await("the slot released", () -> !slotActive(database, slot), Duration.ofSeconds(10));
        } finally {
            source.close();
            LogicalSetup.teardown(database, slot, "pgcdc");
        }
        // A reader left waiting for a message would hold the stop for the reader's grace of 10 s.
        assertThat(Duration.ofNanos(stopTook)).isLessThan(Duration.ofSeconds(5));
    }

    private static LogicalCaptureConfig install(DatabaseConfig database, String slot) {
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY); CREATE TABLE other (id serial PRIMARY KEY)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
        return new LogicalCaptureConfig(slot, "pgcdc", slot, false, Duration.ofSeconds(30), false);
    }

    /** The commit's LSN of the next transaction in the stream. */
    private static Lsn readUpToCommit(WalQueue queue) throws InterruptedException {
        PgOutputDecoder decoder = new PgOutputDecoder();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            WalQueue.Received received = queue.poll(200, TimeUnit.MILLISECONDS);
            if (received != null && decoder.decode(received.message()) instanceof PgOutputMessage.Commit commit) {
                return commit.endLsn();
            }
        }
        throw new AssertionError("no commit arrived within 30 s");
    }

    private static long readerThreadId(String slot) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("pgcdc-replication-" + slot))
                .findFirst().orElseThrow().getId();
    }

    private static boolean slotConfirmedAtLeast(DatabaseConfig database, String slot, Lsn lsn) {
        return "true".equals(slotQuery(database, slot, "(confirmed_flush_lsn >= '" + lsn + "')::text"));
    }

    private static boolean slotActive(DatabaseConfig database, String slot) {
        return "true".equals(slotQuery(database, slot, "active::text"));
    }

    private static String slotQuery(DatabaseConfig database, String slot, String expression) {
        try {
            return TestServices.query(database, "SELECT " + expression + " FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
