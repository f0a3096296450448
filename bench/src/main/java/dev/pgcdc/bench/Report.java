package dev.pgcdc.bench;

import dev.pgcdc.bench.report.Measurement;
import dev.pgcdc.bench.report.ReportTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** Writes report.md, report.csv and the charts of one run. */
final class Report {

    private Report() {
    }

    /** Workload by workload (a, b, c, d1000, d5000, d10000, e), ceilings first, otherwise in the order measured. */
    static List<Measurement> ordered(List<Measurement> measurements) {
        return measurements.stream()
                .sorted(Comparator.comparing((Measurement m) -> m.workload().charAt(0))
                        .thenComparingLong(m -> rate(m.workload()))
                        .thenComparing(m -> !m.ceiling()))
                .toList();
    }

    private static long rate(String workload) {
        String digits = workload.substring(1, workload.indexOf(' ')).replaceAll("\\D", "");
        return digits.isEmpty() ? 0 : Long.parseLong(digits);
    }

    static void write(Path runDir, List<Measurement> measurements, List<String> info) throws IOException {
        Files.writeString(runDir.resolve("report.csv"), ReportTable.csv(measurements));
        String markdown = "# pgcdc benchmark\n\n" + String.join("\n", info) + "\n\n" + ReportTable.markdown(measurements)
                + "\nchanges/s: PostgreSQL alone = the writers' rate with no capture installed (paced workloads: its latency is each "
                + "insert's commit returning minus its due time, the floor under any capture's latency); raw decode = pg_recvlogical "
                + "reading the same changes through pgoutput; Kafka alone = an idempotent acks=all producer writing as many "
                + "records of the same size; a capture = changes that reached the topic over the time from the writers' "
                + "start (backlog: from the capture's process start) to the last broker append. Latency = broker "
                + "LogAppendTime minus source.ts_ms (paced workloads: minus the time the change was due). CPU and peak RSS "
                + "are the capture process's own, from /proc (utime+stime, VmHWM so far).\n\n"
                + "![throughput](throughput.png)\n\n![latency](latency.png)\n";
        Files.writeString(runDir.resolve("report.md"), markdown);
        Charts.throughput(measurements, runDir.resolve("throughput.png"));
        Charts.latency(measurements, runDir.resolve("latency.png"));
    }
}
