package dev.pgcdc.bench;

import dev.pgcdc.bench.report.Measurement;
import dev.pgcdc.bench.report.ReportTable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * {@code bench/run}: one command, one machine, one run. Starts a private PostgreSQL (fsync on) and a Kafka
 * broker in their own processes unless given, measures the ceilings and each capture system through the
 * workloads, and writes the table (Markdown, CSV) and charts under {@code bench/results/<time>/}.
 */
public final class BenchRun {

    private static final String USAGE = "usage: bench/run [--quick] [--snapshot] [--compare debezium] [--exactly-once] [--modes logical,trigger]"
            + " [--workloads a,b,c,d1000,d5000,d10000,e] [--db JDBC_URL --user USER (password in PGCDC_DB_PASSWORD)] [--kafka HOST:PORT]";

    public static void main(String[] argv) throws Exception {
        Options options;
        try {
            options = Options.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("bench/run: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        Path runDir = Files.createDirectories(options.project().resolve("bench/results").resolve(stamp));
        Path logs = Files.createDirectories(runDir.resolve("logs"));
        RunInfo info = RunInfo.before(options, argv);
        List<Measurement> measurements = new ArrayList<>();
        String versions;
        if (options.snapshot()) {
            try (Services services = Services.start(options, logs)) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    ChildProcess.closeAll();
                    services.close();
                }));
                SnapshotBench.run(options, services, runDir, logs, info);
            }
            return;
        }
        try (Services services = Services.start(options, logs)) {
            Thread cleanup = new Thread(() -> {
                ChildProcess.closeAll();
                services.close();
            });
            Runtime.getRuntime().addShutdownHook(cleanup);
            versions = RunInfo.versions(services.db(), options.project());
            Phases phases = new Phases(services.db(), services.kafka(), services.kafkaLogDir(),
                    System.getProperty("java.class.path"), logs);
            List<Workload> workloads = Workload.only(Workload.all(options.quick()), options.workloads());
            java.util.function.Consumer<Measurement> report = m -> {
                measurements.add(m);
                System.out.println(ReportTable.markdown(List.of(m)).lines().skip(2).findFirst().orElse("")
                        + "   load " + RunInfo.loadAverage());
            };
            System.out.println("PostgreSQL alone (no capture installed):");
            services.db().recreate("bench_pg", workloads);
            for (Workload w : workloads) {
                // --quick keeps its 3 minutes: the writers' floor at the lowest paced rate only.
                if (!w.paced() || !options.quick() || w.rate() <= 1000) {
                    report.accept(phases.postgresAlone(w));
                }
            }
            services.db().drop("bench_pg");
            CaptureRun.Topics topics = names -> createTopics(services.kafka(), names);
            Map<String, Integer> recordBytes = Map.of();
            for (CaptureSystem system : options.systems(System.getProperty("java.class.path"))) {
                System.out.println(system.label() + ":");
                boolean decode = system.label().equals("pgcdc logical");
                CaptureRun run = new CaptureRun(system, services.db(), services.kafka(), phases, logs, decode, report,
                        options.quick() ? 1 : 8);
                run.run(workloads, topics);
                if (recordBytes.isEmpty()) {
                    recordBytes = run.recordBytes();
                }
            }
            System.out.println("Kafka alone (idempotent acks=all producer, same count and size of records):");
            for (Workload w : workloads) {
                if (!w.paced()) {
                    createTopics(services.kafka(), List.of("kafka_alone_" + w.id()));
                    report.accept(phases.kafkaAlone(w, w.changes(), recordBytes.getOrDefault(w.id(), 600)));
                }
            }
        }
        List<Measurement> ordered = Report.ordered(measurements);
        Report.write(runDir, ordered, info.after(versions));
        System.out.println();
        System.out.println(ReportTable.markdown(ordered));
        System.out.println("Written to " + options.project().relativize(runDir) + "/ (report.md, report.csv, throughput.png, latency.png)");
    }

    static void createTopics(String kafka, List<String> names) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
            for (String name : names) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)
                            .configs(Map.of("message.timestamp.type", "LogAppendTime")))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }

    /** What {@code bench/run} was asked. */
    record Options(Path project, boolean quick, boolean debezium, List<String> modes, String db, String user,
                   String password, String kafka, boolean exactlyOnce, boolean snapshot, List<String> workloads) {

        static Options parse(String[] argv) {
            Path project = null;
            boolean quick = false;
            boolean debezium = false;
            List<String> modes = List.of("logical", "trigger");
            String db = null;
            String user = "postgres";
            String kafka = null;
            boolean exactlyOnce = false;
            boolean snapshot = false;
            List<String> workloads = List.of();
            for (int i = 0; i < argv.length; i++) {
                switch (argv[i]) {
                    case "--project" -> project = Path.of(value(argv, ++i, "--project")).toAbsolutePath();
                    case "--quick" -> quick = true;
                    case "--exactly-once" -> exactlyOnce = true;
                    case "--snapshot" -> snapshot = true;
                    case "--compare" -> {
                        String peer = value(argv, ++i, "--compare");
                        if (!peer.equals("debezium")) {
                            throw new IllegalArgumentException("--compare knows only 'debezium', not '" + peer + "'");
                        }
                        debezium = true;
                    }
                    case "--modes" -> modes = Arrays.asList(value(argv, ++i, "--modes").split(","));
                    case "--workloads" -> workloads = Arrays.asList(value(argv, ++i, "--workloads").split(","));
                    case "--db" -> db = value(argv, ++i, "--db");
                    case "--user" -> user = value(argv, ++i, "--user");
                    case "--kafka" -> kafka = value(argv, ++i, "--kafka");
                    default -> throw new IllegalArgumentException("unknown option " + argv[i]);
                }
            }
            for (String mode : modes) {
                if (!mode.equals("logical") && !mode.equals("trigger")) {
                    throw new IllegalArgumentException("--modes takes logical and/or trigger, not '" + mode + "'");
                }
            }
            List<String> known = Workload.all(false).stream().map(Workload::id).toList();
            for (String id : workloads) {
                if (!known.contains(id)) {
                    throw new IllegalArgumentException("--workloads takes some of " + String.join(",", known) + ", not '" + id + "'");
                }
            }
            String password = System.getenv().getOrDefault("PGCDC_DB_PASSWORD", "");
            if (db != null && !db.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("--db must be a jdbc:postgresql://HOST:PORT/DB URL, got '" + db + "'");
            }
            return new Options(project == null ? Path.of("").toAbsolutePath() : project, quick, debezium, modes, db, user,
                    password, kafka, exactlyOnce, snapshot, workloads);
        }

        List<CaptureSystem> systems(String classpath) {
            List<CaptureSystem> systems = new ArrayList<>();
            for (String mode : modes) {
                systems.add(new CaptureSystem.Pgcdc(mode, project, false));
                if (exactlyOnce) {
                    // beside at-least-once in the same run: figures from different runs on a shared machine do not compare
                    systems.add(new CaptureSystem.Pgcdc(mode, project, true));
                }
            }
            if (debezium) {
                systems.add(new CaptureSystem.Debezium(classpath));
            }
            return systems;
        }

        private static String value(String[] argv, int i, String option) {
            if (i >= argv.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return argv[i];
        }
    }
}
