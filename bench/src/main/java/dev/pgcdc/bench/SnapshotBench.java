package dev.pgcdc.bench;

import dev.pgcdc.bench.report.KeyValues;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench/run --snapshot}: a table of existing rows (10 columns: bigint, int, numeric, text ×2,
 * timestamptz, jsonb, text[], int[]) snapshotted into Kafka by {@code ./pgcdc capture --mode logical
 * --snapshot initial_only} with 1, 2 and 4 workers (default settings otherwise), each a new capture process
 * timed from its start to its exit (it exits once every snapshot row is in Kafka), beside the Kafka ceiling: a
 * plain idempotent {@code acks=all} producer writing as many records to the same broker, the snapshot's own
 * records (its first 10,000, sent again in turn) compressed as capture's producer compresses them (lz4). The
 * same producer without compression is shown too.
 */
final class SnapshotBench {

    private static final String DATABASE = "bench_snapshot";
    private static final int[] WORKERS = {1, 2, 4};
    private static final int CAPTURE_BATCH_BYTES = 256 * 1024;

    private SnapshotBench() {
    }

    static void run(BenchRun.Options options, Services services, Path runDir, Path logs, RunInfo info) throws Exception {
        long rows = options.quick() ? 100_000 : 1_000_000;
        Database db = services.db();
        db.drop(DATABASE);
        db.execute("postgres", "CREATE DATABASE " + DATABASE);
        long fillStart = System.nanoTime();
        db.execute(DATABASE, "CREATE TABLE snap (id bigint PRIMARY KEY, " + WorkloadDriver.COLUMNS + ")",
                "INSERT INTO snap SELECT g, g * 1000, g % 1000, (g % 100000) / 100.0, 'name ' || g,"
                        + " 'a row that was there before capture started, read by the snapshot; ' || repeat('x', 60),"
                        + " '2026-01-01'::timestamptz + g * interval '1 s', jsonb_build_object('g', g, 'tag', 'bench', 'ok', true),"
                        + " ARRAY['a', 'b' || g], ARRAY[g::int, 2] FROM generate_series(1, " + rows + ") g",
                "VACUUM ANALYZE snap");
        System.out.printf(Locale.ROOT, "Filled %,d rows in %.1f s%n", rows, (System.nanoTime() - fillStart) / 1e9);
        List<String> lines = new ArrayList<>();
        lines.add("| system | workers | rows | seconds | rows/s | vs Kafka alone | pgcdc's own summary | load average |");
        lines.add("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        List<double[]> runs = new ArrayList<>();
        List<String> summaries = new ArrayList<>();
        List<String> loads = new ArrayList<>();
        int recordBytes = 0;
        for (int workers : WORKERS) {
            String id = "snap_w" + workers;
            db.execute(DATABASE, "CREATE PUBLICATION " + id + " FOR TABLE snap");
            String topic = id + ".public.snap";
            BenchRun.createTopics(services.kafka(), List.of(topic));
            List<String> command = List.of(options.project().resolve("pgcdc").toString(), "capture", "--mode", "logical",
                    "--db", db.url(DATABASE), "--user", db.user(), "--kafka", services.kafka(), "--topic-prefix", id,
                    "--slot", id, "--publication", id, "--snapshot", "initial_only", "--snapshot-workers", Integer.toString(workers));
            long start = System.nanoTime();
            try (ChildProcess capture = ChildProcess.start("snapshot-" + id, command, Map.of("PGCDC_DB_PASSWORD", db.password()),
                    logs, options.project())) {
                capture.awaitExit(Duration.ofMinutes(30));
                double seconds = (System.nanoTime() - start) / 1e9;
                runs.add(new double[] {workers, seconds});
                summaries.add(summary(logs.resolve("snapshot-" + id + ".err")));
                loads.add(RunInfo.loadAverage());
            }
            db.execute(DATABASE, "SELECT pg_drop_replication_slot('" + id + "')");
            if (recordBytes == 0) {
                recordBytes = averageRecordBytes(services.kafka(), topic, rows, logs);
            }
            System.out.printf(Locale.ROOT, "%d worker(s): %,.0f rows/s (%s)   load %s%n", workers, rows / runs.get(runs.size() - 1)[1],
                    summaries.get(summaries.size() - 1), loads.get(loads.size() - 1));
        }
        BenchRun.createTopics(services.kafka(), List.of("kafka_alone_snapshot", "kafka_alone_snapshot_none"));
        String sampled = "snap_w" + WORKERS[0] + ".public.snap";
        double ceiling = kafkaAlone(services.kafka(), "kafka_alone_snapshot", rows, sampled, "lz4", logs);
        String ceilingLoad = RunInfo.loadAverage();
        double uncompressed = kafkaAlone(services.kafka(), "kafka_alone_snapshot_none", rows, sampled, "none", logs);
        String uncompressedLoad = RunInfo.loadAverage();
        for (int i = 0; i < runs.size(); i++) {
            double rate = rows / runs.get(i)[1];
            lines.add(String.format(Locale.ROOT, "| pgcdc logical snapshot | %d | %,d | %.1f | %,.0f | %.0f%% | %s | %s |",
                    (int) runs.get(i)[0], rows, runs.get(i)[1], rate, 100 * rate / ceiling, summaries.get(i), loads.get(i)));
        }
        lines.add(String.format(Locale.ROOT, "| Kafka alone, lz4 (the snapshot's records, %d B each) | | %,d | %.1f | %,.0f | 100%% | | %s |",
                recordBytes, rows, rows / ceiling, ceiling, ceilingLoad));
        lines.add(String.format(Locale.ROOT, "| Kafka alone, uncompressed (the same records) | | %,d | %.1f | %,.0f | %.0f%% | | %s |",
                rows, rows / uncompressed, uncompressed, 100 * uncompressed / ceiling, uncompressedLoad));
        db.drop(DATABASE);
        List<String> report = new ArrayList<>(List.of("# Snapshot benchmark", ""));
        report.addAll(info.after("PostgreSQL " + db.query("postgres", "SHOW server_version")));
        report.add("");
        report.addAll(lines);
        Files.write(runDir.resolve("report.md"), report);
        System.out.println();
        lines.forEach(System.out::println);
        System.out.println("Written to " + options.project().relativize(runDir) + "/report.md");
    }

    /** pgcdc's own summary line (logged on stderr): rows and rate from its snapshot's start, JVM start excluded. */
    private static String summary(Path log) throws java.io.IOException {
        return Files.readAllLines(log).stream().filter(line -> line.contains("Snapshot complete: "))
                .map(line -> line.substring(line.indexOf("Snapshot complete: ") + "Snapshot complete: ".length())).findFirst().orElse("?");
    }

    private static int averageRecordBytes(String kafka, String topic, long rows, Path logs) {
        List<String> command = List.of(KafkaBroker.javaBin(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                TopicReader.class.getName(), "--kafka", kafka, "--topic", topic, "--expected", Long.toString(rows), "--idle-ms", "30000");
        try (ChildProcess reader = ChildProcess.start("snapshot-reader", command, Map.of(), logs, logs)) {
            KeyValues read = reader.awaitResult(Duration.ofMinutes(10));
            return (int) (read.longValue("bytes") / Math.max(1, read.longValue("events")));
        }
    }

    /** Records per second of the plain producer, sending again the first records of {@code sampleTopic}. */
    private static double kafkaAlone(String kafka, String topic, long records, String sampleTopic, String compression, Path logs) {
        List<String> command = List.of(KafkaBroker.javaBin(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                KafkaAlone.class.getName(), "--kafka", kafka, "--topic", topic, "--records", Long.toString(records),
                "--sample-topic", sampleTopic, "--sample", "10000", "--compression", compression,
                // capture's producer batch size (sink/kafka/ProducerSettings): the same producer settings as capture
                "--batch-size", Integer.toString(CAPTURE_BATCH_BYTES));
        try (ChildProcess producer = ChildProcess.start("snapshot-kafka-alone-" + compression, command, Map.of(), logs, logs)) {
            KeyValues result = producer.awaitResult(Duration.ofMinutes(10));
            return records * 1000.0 / Math.max(1, result.longValue("elapsed_ms"));
        }
    }
}
