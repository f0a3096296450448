package dev.pgcdc.bench.report;

import java.util.List;
import java.util.OptionalDouble;

/** Ratios of capture throughput to the lower of the ceilings measured for the same workload in the same run. */
public final class Ceilings {

    private Ceilings() {
    }

    /** The lowest positive ceiling of {@code workload}, or empty when none was measured. */
    public static OptionalDouble lower(String workload, List<Measurement> measurements) {
        return measurements.stream()
                .filter(m -> m.ceiling() && m.workload().equals(workload) && m.perSecond() > 0)
                .mapToDouble(Measurement::perSecond)
                .min();
    }

    /** {@code capture}'s rate over the lower ceiling of its workload (1.0 = as fast as the slowest part alone). */
    public static OptionalDouble ratio(Measurement capture, List<Measurement> measurements) {
        if (capture.ceiling()) {
            return OptionalDouble.empty();
        }
        OptionalDouble lower = lower(capture.workload(), measurements);
        return lower.isPresent() ? OptionalDouble.of(capture.perSecond() / lower.getAsDouble()) : OptionalDouble.empty();
    }

    /** Changes per second from a count and an elapsed time in milliseconds; 0 when nothing elapsed. */
    public static double perSecond(long changes, long elapsedMillis) {
        return elapsedMillis <= 0 ? 0 : changes * 1000.0 / elapsedMillis;
    }
}
