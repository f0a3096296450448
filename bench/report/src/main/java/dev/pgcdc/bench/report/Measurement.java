package dev.pgcdc.bench.report;

import java.util.Objects;

/**
 * One line of the report: a ceiling (what one part achieves alone) or a capture system run through a workload.
 *
 * @param workload     the workload's label, e.g. {@code b 1000-row tx}
 * @param system       e.g. {@code pgcdc logical}, {@code PostgreSQL alone}
 * @param ceiling      whether this line is a ceiling rather than a capture system
 * @param changes      changes written (for a capture: changes that reached the topic)
 * @param perSecond    changes per second: writers' rate for PostgreSQL alone, end-to-end rate for a capture
 * @param latency      end-to-end latency (null for ceilings)
 * @param cpuMicrosPerChange capture process CPU (user+system) per change (null when not measured)
 * @param cpuMicrosWithoutJit the same without its JIT compiler threads: what the change itself costs once the JVM has
 *                           compiled its hot path (null when not measured)
 * @param peakRssMb    capture process VmHWM so far (null when not measured)
 * @param note         free text: an incomplete run, a rate the writers could not reach
 */
public record Measurement(String workload, String system, boolean ceiling, long changes, double perSecond,
                          LatencySummary latency, Double cpuMicrosPerChange, Double cpuMicrosWithoutJit, Long peakRssMb,
                          String note) {

    public Measurement {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(system, "system");
        note = note == null ? "" : note;
    }

    public static Measurement ceiling(String workload, String system, long changes, double perSecond, String note) {
        return new Measurement(workload, system, true, changes, perSecond, null, null, null, null, note);
    }
}
