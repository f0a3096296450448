package dev.pgcdc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time (user+system) and peak resident memory (VmHWM) of one process, read from /proc. */
record ProcStats(long cpuMillis, long peakRssKb) {

    /** Linux reports utime and stime in clock ticks; USER_HZ is 100 on every mainstream distribution. */
    private static final long TICKS_PER_SECOND = 100;

    static ProcStats of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces) start at field 3, "state".
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            long hwm = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("VmHWM:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElse(0);
            return new ProcStats(ticks * 1000 / TICKS_PER_SECOND, hwm);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + ": " + e.getMessage(), e);
        }
    }
}
