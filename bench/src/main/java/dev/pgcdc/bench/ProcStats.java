package dev.pgcdc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time (user+system) and peak resident memory (VmHWM) of one process, read from /proc, and the part of that
 * CPU its JIT compiler threads used: compiling is a one-off cost of a new JVM, not a cost per change.
 */
record ProcStats(long cpuMillis, long jitMillis, long peakRssKb) {

    /** Linux reports utime and stime in clock ticks; USER_HZ is 100 on every mainstream distribution. */
    private static final long TICKS_PER_SECOND = 100;

    static ProcStats of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            long hwm = Files.readAllLines(proc.resolve("status")).stream()
                    .filter(l -> l.startsWith("VmHWM:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElse(0);
            return new ProcStats(toMillis(ticks(proc.resolve("stat"))), toMillis(compilerTicks(proc)), hwm);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + ": " + e.getMessage(), e);
        }
    }

    /** HotSpot names its compiler threads "C1 CompilerThreadN" and "C2 CompilerThreadN" (truncated to 15 characters). */
    private static long compilerTicks(Path proc) throws IOException {
        long ticks = 0;
        try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        ticks += ticks(task.resolve("stat"));
                    }
                } catch (IOException e) {
                    // the thread ended between the listing and the read: HotSpot retires idle compiler threads
                }
            }
        }
        return ticks;
    }

    private static long ticks(Path stat) throws IOException {
        String line = Files.readString(stat);
        // Fields after the command name (which may hold spaces) start at field 3, "state".
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long toMillis(long ticks) {
        return ticks * 1000 / TICKS_PER_SECOND;
    }
}
