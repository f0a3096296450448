package dev.pgcdc.bench;

import dev.pgcdc.bench.report.Ceilings;
import dev.pgcdc.bench.report.KeyValues;
import dev.pgcdc.bench.report.LatencySummary;
import dev.pgcdc.bench.report.Measurement;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs single phases: a workload driver, a reader, pg_recvlogical, the Kafka-alone producer, each its own process. */
final class Phases {

    private final Database db;
    private final String kafka;
    private final Path kafkaLogDir;
    private final String classpath;
    private final Path runDir;
    private int sequence;

    Phases(Database db, String kafka, Path kafkaLogDir, String classpath, Path runDir) {
        this.db = db;
        this.kafka = kafka;
        this.kafkaLogDir = kafkaLogDir;
        this.classpath = classpath;
        this.runDir = runDir;
    }

    /** Writes the workload into {@code database} and waits for the writers: {@code changes}, {@code start_ms}, {@code end_ms}. */
    KeyValues write(String database, Workload w) {
        List<String> command = new ArrayList<>(java("-Xmx256m", WorkloadDriver.class.getName()));
        command.addAll(List.of("--db", db.url(database), "--user", db.user(), "--table", w.table(), "--kind", w.kind(),
                "--writers", Integer.toString(w.writers()), "--changes", Long.toString(w.changes()),
                "--tx-size", Integer.toString(w.txSize()), "--rate", Double.toString(w.rate())));
        try (ChildProcess writer = start("writer-" + database + "-" + w.id(), command, Map.of("BENCH_DB_PASSWORD", db.password()))) {
            return writer.awaitResult(Duration.ofMinutes(15));
        }
    }

    /**
     * Starts a reader of {@code topic}, returning once it is assigned and at the beginning of the topic. With the
     * bench's own broker it counts a transactional record's latency to its commit marker ({@link CommitMarkers}).
     */
    ChildProcess reader(String topic, long expected, boolean fromDue) {
        List<String> command = new ArrayList<>(java("-Xmx256m", TopicReader.class.getName()));
        command.addAll(List.of("--kafka", kafka, "--topic", topic, "--expected", Long.toString(expected),
                "--from", fromDue ? "due" : "commit", "--idle-ms", "90000"));
        if (kafkaLogDir != null) {
            command.addAll(List.of("--log-dir", kafkaLogDir.toString()));
        }
        if (fromDue) {
            command.addAll(List.of("--arrivals", runDir.resolve(String.format("%03d-arrivals-%s.csv", sequence + 1, topic)).toString()));
        }
        ChildProcess reader = start("reader-" + topic, command, Map.of());
        reader.awaitLine("READY", Duration.ofSeconds(60));
        return reader;
    }

    /**
     * The writers with no capture installed. A paced workload also gives the latency floor of every capture: each insert's
     * commit returning minus the time it was due (PostgreSQL's WAL flush and the writers' own lateness).
     */
    Measurement postgresAlone(Workload w) {
        KeyValues written = write("bench_pg", w);
        long changes = written.longValue("changes");
        double perSecond = Ceilings.perSecond(changes, written.longValue("end_ms") - written.longValue("start_ms"));
        if (!w.paced()) {
            return Measurement.ceiling(w.name(), "PostgreSQL alone", changes, perSecond, "");
        }
        LatencySummary committed = new LatencySummary(written.longValue("committed_count"), written.longValue("committed_p50"),
                written.longValue("committed_p95"), written.longValue("committed_p99"), written.longValue("committed_p999"),
                written.longValue("committed_max"), written.doubleValue("committed_mean"));
        return new Measurement(w.name(), "PostgreSQL alone", true, changes, perSecond, committed, null, null, null,
                "writers achieved %,.0f/s; latency = commit returned minus due time".formatted(perSecond));
    }

    /** pg_recvlogical reading slot {@code slot} up to {@code endLsn} through pgoutput, output discarded. */
    Measurement decode(Workload w, String database, String slot, String publication, String endLsn, long changes) {
        String recvlogical;
        try {
            recvlogical = PrivatePostgres.serverBinaries().resolve("pg_recvlogical").toString();
        } catch (java.io.IOException | IllegalStateException e) {
            // With --db on a machine without a server, the client package's pg_recvlogical on the PATH will do.
            recvlogical = "pg_recvlogical";
        }
        String url = db.url(database);
        String hostPort = url.substring("jdbc:postgresql://".length(), url.indexOf('/', "jdbc:postgresql://".length()));
        String[] hp = hostPort.split(":");
        List<String> command = List.of(recvlogical, "-h", hp[0], "-p", hp.length > 1 ? hp[1] : "5432",
                "-U", db.user(), "-d", database, "-S", slot, "--start", "-E", endLsn, "-o", "proto_version=1",
                "-o", "publication_names=" + publication, "--no-loop", "-f", "/dev/null");
        long start = System.nanoTime();
        try (ChildProcess recv = start("pg_recvlogical-" + w.id(), command, Map.of("PGPASSWORD", db.password()))) {
            recv.awaitExit(Duration.ofMinutes(10));
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        return Measurement.ceiling(w.name(), "raw decode (pg_recvlogical)", changes, Ceilings.perSecond(changes, elapsedMs), "");
    }

    Measurement kafkaAlone(Workload w, long records, int recordBytes) {
        int keyBytes = Math.min(16, recordBytes / 2);
        List<String> command = new ArrayList<>(java("-Xmx256m", KafkaAlone.class.getName()));
        command.addAll(List.of("--kafka", kafka, "--topic", "kafka_alone_" + w.id(), "--records", Long.toString(records),
                "--key-bytes", Integer.toString(keyBytes), "--value-bytes", Integer.toString(recordBytes - keyBytes)));
        try (ChildProcess producer = start("kafka-alone-" + w.id(), command, Map.of())) {
            KeyValues result = producer.awaitResult(Duration.ofMinutes(10));
            return Measurement.ceiling(w.name(), "Kafka alone", records,
                    Ceilings.perSecond(records, result.longValue("elapsed_ms")), recordBytes + " B/record");
        }
    }

    static LatencySummary latency(KeyValues read) {
        return read.longValue("count") == 0 ? null : LatencySummary.fromLine(read);
    }

    private List<String> java(String heap, String mainClass) {
        return List.of(KafkaBroker.javaBin(), heap, "-cp", classpath, mainClass);
    }

    private ChildProcess start(String name, List<String> command, Map<String, String> env) {
        return ChildProcess.start(String.format("%03d-%s", ++sequence, name), command, env, runDir, runDir);
    }
}
