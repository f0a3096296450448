package dev.pgcdc.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.Function;

/** The report's table, as Markdown (for people and the README) and CSV (for tools), in the measurements' order. */
public final class ReportTable {

    private static final List<String> HEADER = List.of("workload", "system", "changes", "changes/s",
            "x lower ceiling", "p50 ms", "p95 ms", "p99 ms", "max ms", "CPU us/change", "w/o JIT", "peak RSS MB", "note");

    private ReportTable() {
    }

    public static String markdown(List<Measurement> measurements) {
        StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
        out.append("| --- | --- |").append(" ---: |".repeat(HEADER.size() - 3)).append(" --- |\n");
        for (Measurement m : measurements) {
            out.append("| ").append(String.join(" | ", cells(m, measurements, ReportTable::grouped))).append(" |\n");
        }
        return out.toString();
    }

    public static String csv(List<Measurement> measurements) {
        StringBuilder out = new StringBuilder(String.join(",", HEADER)).append('\n');
        for (Measurement m : measurements) {
            out.append(String.join(",", cells(m, measurements, ReportTable::plain).stream().map(ReportTable::csvField).toList()))
                    .append('\n');
        }
        return out.toString();
    }

    private static List<String> cells(Measurement m, List<Measurement> all, Function<Double, String> number) {
        OptionalDouble ratio = Ceilings.ratio(m, all);
        LatencySummary l = m.latency();
        return List.of(m.workload(), m.system(), Long.toString(m.changes()), number.apply(m.perSecond()),
                ratio.isPresent() ? String.format(Locale.ROOT, "%.2f", ratio.getAsDouble()) : "",
                l == null ? "" : Long.toString(l.p50()), l == null ? "" : Long.toString(l.p95()),
                l == null ? "" : Long.toString(l.p99()), l == null ? "" : Long.toString(l.max()),
                m.cpuMicrosPerChange() == null ? "" : String.format(Locale.ROOT, "%.1f", m.cpuMicrosPerChange()),
                m.cpuMicrosWithoutJit() == null ? "" : String.format(Locale.ROOT, "%.1f", m.cpuMicrosWithoutJit()),
                m.peakRssMb() == null ? "" : Long.toString(m.peakRssMb()), m.note());
    }

    private static String grouped(Double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String plain(Double value) {
        return String.format(Locale.ROOT, "%.0f", value);
    }

    private static String csvField(String value) {
        return value.contains(",") || value.contains("\"") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
