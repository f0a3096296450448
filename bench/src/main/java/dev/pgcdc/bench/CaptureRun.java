package dev.pgcdc.bench;

import dev.pgcdc.bench.report.Ceilings;
import dev.pgcdc.bench.report.KeyValues;
import dev.pgcdc.bench.report.Measurement;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One capture system through every workload: one capture process for (a)–(d), measured per workload from
 * /proc deltas after a warm-up; for (e) the capture is stopped, the backlog written, and a new capture process
 * drains it, its JVM's start and JIT included.
 * With {@code decodeCeiling}, a second slot on the same changes gives pg_recvlogical's raw decode rate.
 */
final class CaptureRun {

    /**
     * The warm-up ends once the capture's JIT compiler threads used at most this share of its CPU during a round: a
     * JVM compiles its hot path once, in its first seconds of load, and the per-change figures are for a capture that
     * runs for days. The JIT's share of each measured workload is still reported in its note.
     */
    private static final double WARM_JIT_SHARE = 0.10;

    private final CaptureSystem system;
    private final Database db;
    private final String kafka;
    private final Phases phases;
    private final Path runDir;
    private final boolean decodeCeiling;
    private final Consumer<Measurement> report;
    private final int maxWarmUpRounds;
    private final Map<String, Integer> recordBytes = new HashMap<>();

    CaptureRun(CaptureSystem system, Database db, String kafka, Phases phases, Path runDir, boolean decodeCeiling,
               Consumer<Measurement> report, int maxWarmUpRounds) {
        this.system = system;
        this.db = db;
        this.kafka = kafka;
        this.phases = phases;
        this.runDir = runDir;
        this.decodeCeiling = decodeCeiling;
        this.report = report;
        this.maxWarmUpRounds = maxWarmUpRounds;
    }

    /** Average bytes (key + value) of the records this system wrote per workload id. */
    Map<String, Integer> recordBytes() {
        return recordBytes;
    }

    void run(List<Workload> workloads, Topics topics) {
        List<Workload> tables = new java.util.ArrayList<>(workloads);
        for (int round = 1; round <= maxWarmUpRounds; round++) {
            tables.add(Workload.warmUpRound(round).get(0));
        }
        db.recreate(system.id(), tables);
        system.prepare(db, tables, runDir);
        topics.create(tables.stream().map(system::topic).toList());
        ChildProcess capture = startCapture(1);
        try {
            warmUp(capture);
            for (Workload w : workloads) {
                if (!w.backlog()) {
                    live(w, capture);
                }
            }
        } finally {
            capture.close();
        }
        system.afterFirstStop(runDir);
        for (Workload w : workloads) {
            if (w.backlog()) {
                backlog(w);
            }
        }
        db.drop(system.id());
    }

    /**
     * The reader starts once the writers are done: latencies come from the broker's clock (the append time, or
     * for a transactional record its commit marker's time), not from when they are read, and a reader running
     * alongside would take CPU from the capture on a small machine.
     */
    private void live(Workload w, ChildProcess capture) {
        String slot = decodeSlot(w);
        ProcStats before = ProcStats.of(capture.pid());
        KeyValues written = phases.write(system.id(), w);
        long changes = written.longValue("changes");
        try (ChildProcess reader = phases.reader(system.topic(w), changes, w.paced())) {
            KeyValues read = reader.awaitResult(Duration.ofMinutes(20));
            ProcStats after = ProcStats.of(capture.pid());
            report.accept(measurement(w, changes, written.longValue("start_ms"), read, before, after,
                    w.paced() ? achievedRate(written, read) : ""));
        }
        decode(w, slot, changes);
    }

    private void warmUp(ChildProcess capture) {
        long written = 0;
        for (int rounds = 1; ; rounds++) {
            List<Workload> round = Workload.warmUpRound(rounds);
            ProcStats before = ProcStats.of(capture.pid());
            long inRound = 0;
            for (Workload w : round) {
                inRound += phases.write(system.id(), w).longValue("changes");
            }
            written += inRound;
            try (ChildProcess reader = phases.reader(system.topic(round.get(0)), inRound, false)) {
                reader.awaitResult(Duration.ofMinutes(5));
            }
            ProcStats after = ProcStats.of(capture.pid());
            capture.assertAlive();
            long cpu = after.cpuMillis() - before.cpuMillis();
            long jit = Math.max(0, after.jitMillis() - before.jitMillis());
            if (jit <= cpu * WARM_JIT_SHARE || rounds == maxWarmUpRounds) {
                System.out.printf(java.util.Locale.ROOT, "  warm-up: %d round(s) of %d changes, JIT %d of %d ms CPU in the last%n",
                        rounds, written / rounds, jit, cpu);
                return;
            }
        }
    }

    private void backlog(Workload w) {
        String slot = decodeSlot(w);
        phases.write(system.id(), w);
        try (ChildProcess reader = phases.reader(system.topic(w), w.changes(), false)) {
            long startMs = System.currentTimeMillis();
            try (ChildProcess capture = startCapture(2)) {
                KeyValues read = reader.awaitResult(Duration.ofMinutes(20));
                ProcStats stats = ProcStats.of(capture.pid());
                report.accept(measurement(w, w.changes(), startMs, read, new ProcStats(0, 0, 0), stats,
                        "from process start, JVM start included"));
            }
        }
        decode(w, slot, w.changes());
    }

    /**
     * Compiler threads come and go (HotSpot retires idle ones, their counts with them), so the JIT's part is a lower
     * bound and the figure without it an upper bound.
     */
    private Measurement measurement(Workload w, long changes, long startMs, KeyValues read, ProcStats before, ProcStats after,
                                    String note) {
        long cpuMillis = after.cpuMillis() - before.cpuMillis();
        long jitMillis = Math.max(0, after.jitMillis() - before.jitMillis());
        long events = read.longValue("events");
        if (events > 0) {
            recordBytes.put(w.id(), (int) (read.longValue("bytes") / events));
        }
        String complete = events < changes ? "INCOMPLETE: " + events + " of " + changes + " changes arrived; " : "";
        return new Measurement(w.name(), system.label(), false, events,
                Ceilings.perSecond(events, read.longValue("last_visible_ms") - startMs), Phases.latency(read),
                events == 0 ? null : cpuMillis * 1000.0 / events, events == 0 ? null : (cpuMillis - jitMillis) * 1000.0 / events,
                after.peakRssKb() / 1024, complete + note);
    }

    /**
     * The rate the writers reached, and the two parts of a paced latency: how late the writers' commits returned
     * (the capture competes with them for the cores) and the latency counted from the commit, the capture's own part.
     */
    private static String achievedRate(KeyValues written, KeyValues read) {
        long elapsed = written.longValue("end_ms") - written.longValue("start_ms");
        long changes = written.longValue("changes");
        long planned = written.longValue("planned");
        String stopped = changes < planned ? "; stopped at twice the planned time after " + changes + " of " + planned : "";
        String fromCommit = read.longValue("events") == 0 ? ""
                : " (from commit p50/p99 " + read.longValue("commit_p50") + "/" + read.longValue("commit_p99") + " ms)";
        return String.format(java.util.Locale.ROOT, "writers achieved %,.0f/s%s, commits p99 %d ms after due; latency from due time%s",
                Ceilings.perSecond(changes, elapsed), stopped, written.longValue("committed_p99"), fromCommit);
    }

    private ChildProcess startCapture(int generation) {
        ChildProcess capture = system.start(db, kafka, runDir, generation);
        try {
            capture.awaitLine("Capturing", Duration.ofMinutes(3));
        } catch (RuntimeException e) {
            capture.close();
            throw e;
        }
        return capture;
    }

    private String decodeSlot(Workload w) {
        if (!decodeCeiling || w.paced()) {
            return null;
        }
        String slot = "decode_" + w.id();
        db.execute(system.id(), "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        return slot;
    }

    private void decode(Workload w, String slot, long changes) {
        if (slot == null) {
            return;
        }
        String end = db.query(system.id(), "SELECT pg_current_wal_lsn()");
        report.accept(phases.decode(w, system.id(), slot, system.id(), end, changes));
        db.execute(system.id(), "SELECT pg_drop_replication_slot('" + slot + "')");
    }

    /** Creates topics up front with LogAppendTime, so latencies come from the broker's clock even with --kafka. */
    interface Topics {
        void create(List<String> names);
    }
}
