package dev.pgcdc.source.logical;

import org.openjdk.jmh.infra.Blackhole;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The hot-path benchmarks measured in events per second of the thread's own CPU time, not of wall time: on a
 * shared machine JMH's wall-clock throughput counts the time other processes hold the core, this does not.
 * {@code java … HotPathCpu [seconds per measurement]}; each case is warmed up, then measured five times.
 */
public final class HotPathCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        Blackhole sink = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        for (int columns : new int[] {5, 50}) {
            for (boolean metered : new boolean[] {false, true}) {
                HotPathBenchmark bench = new HotPathBenchmark();
                bench.columns = columns;
                bench.setUp();
                measure(bench, metered, sink, seconds * 2); // warm-up
                StringBuilder runs = new StringBuilder();
                double best = 0;
                for (int i = 0; i < 5; i++) {
                    double rate = measure(bench, metered, sink, seconds);
                    best = Math.max(best, rate);
                    runs.append(String.format(" %,.0f", rate));
                }
                System.out.printf("%2d columns %-9s best %,9.0f events/CPU-s  (runs:%s)%n", columns,
                        metered ? "metered" : "plain", best, runs);
            }
        }
        sink.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
    }

    private static double measure(HotPathBenchmark bench, boolean metered, Blackhole sink, double seconds) {
        long budget = (long) (seconds * 1e9);
        long start = THREADS.getCurrentThreadCpuTime();
        long ops = 0;
        long used;
        do {
            for (int i = 0; i < 1_000; i++) {
                if (metered) {
                    bench.decodeEncodeSerializeMetered(sink);
                } else {
                    bench.decodeEncodeSerialize(sink);
                }
            }
            ops += 1_000;
            used = THREADS.getCurrentThreadCpuTime() - start;
        } while (used < budget);
        return ops / (used / 1e9);
    }
}
