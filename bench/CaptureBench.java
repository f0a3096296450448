import dev.pgcdc.config.ConsumeConfig;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.config.NotifyCaptureConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.consume.TopicConsumer;
import dev.pgcdc.embedded.EmbeddedKafkaBroker;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.source.Source;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.source.logical.LogicalSource;
import dev.pgcdc.source.notify.NotifySource;
import dev.pgcdc.source.notify.TutorialSchema;
import dev.pgcdc.source.trigger.JournalSchema;
import dev.pgcdc.source.trigger.TriggerSource;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * Capture benchmark. Workload: INSERT transactions of TX_SIZE rows into the tutorial's sales table from W
 * writer connections. Phases, each on a fresh database:
 *   1. ceiling     - the table alone, nothing installed: what PostgreSQL can write here;
 *   2. with setup  - the mode's setup installed (trigger, or publication), capture not running: the writers' cost;
 *   3. steady      - capture + Kafka + consumer running, writers paced to each RATE rows/s;
 *   4. max         - capture + Kafka + consumer running, writers as fast as they can.
 * Latency = consumer arrival - insert commit, both read from this JVM's clock.
 */
public final class CaptureBench {

    private static String url;
    private static String user;
    private static String password;
    private static int txSize;

    public static void main(String[] args) throws Exception {
        String mode = arg(args, "--mode", "notify");
        url = arg(args, "--db", null);
        user = arg(args, "--user", "postgres");
        password = arg(args, "--password", null);
        int rows = Integer.parseInt(arg(args, "--rows", "10000"));
        int writers = Integer.parseInt(arg(args, "--writers", "4"));
        int[] rates = java.util.Arrays.stream(arg(args, "--rate", "1000").split(",")).mapToInt(Integer::parseInt).toArray();
        txSize = Integer.parseInt(arg(args, "--tx-size", "1"));

        DatabaseConfig admin = new DatabaseConfig(url, user, password);
        System.out.printf("server: %s; fsync=%s synchronous_commit=%s; %d cores%n", query(admin, "SELECT version()"),
                query(admin, "SHOW fsync"), query(admin, "SHOW synchronous_commit"), Runtime.getRuntime().availableProcessors());
        System.out.printf("mode %s; workload: %,d rows inserted in transactions of %d row(s) from %d writers%n", mode, rows, txSize, writers);
        long kafkaStart = System.nanoTime();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        KafkaConfig kafka = KafkaConfig.of(broker.bootstrapServers());
        System.out.printf("kafka: embedded in this JVM, started in %.1f s%n%n", (System.nanoTime() - kafkaStart) / 1e9);

        List<String> report = new ArrayList<>();
        report.add(String.format("%-34s %10s %10s %9s %9s %9s %9s", "phase", "writers/s", "e2e/s", "p50 ms", "p95 ms", "p99 ms", "max ms"));
        DatabaseConfig db = freshDatabase(admin, "ceiling", false, mode);
        report.add(line("ceiling: PostgreSQL alone", insert(db, rows, writers, 0, new long[rows + 1]), null));
        db = freshDatabase(admin, "setup", true, mode);
        report.add(line("with " + mode + " setup, no capture", insert(db, rows, writers, 0, new long[rows + 1]), null));
        for (int rate : rates) {
            report.add(captured("steady " + rate + "/s, capture running", admin, kafka, mode, rows, writers, rate));
        }
        report.add(captured("max rate, capture running", admin, kafka, mode, rows, writers, 0));
        System.out.println();
        report.forEach(System.out::println);
        System.out.printf("%nmemory: peak RSS of this JVM (writers, capture, embedded Kafka broker, consumer) %d MB%n", peakRssMb());
        broker.close();
    }

    private static String captured(String phase, DatabaseConfig admin, KafkaConfig kafka, String mode, int rows,
                                   int writers, int rate) throws Exception {
        DatabaseConfig db = freshDatabase(admin, phase.startsWith("steady") ? "steady" : "max", true, mode);
        String topic;
        Source source;
        String slot = null;
        if (mode.equals("logical")) {
            slot = "bench_" + System.nanoTime();
            LogicalCaptureConfig config = new LogicalCaptureConfig(slot, null, "bench" + System.nanoTime(), false, null, false);
            topic = LogicalSource.topicsOfPublishedTables(db, config).get(0);
            source = LogicalSource.open(db, config);
        } else if (mode.equals("trigger")) {
            TriggerCaptureConfig config = new TriggerCaptureConfig("bench" + System.nanoTime(), false, null, 500);
            topic = TriggerSource.topicsOfCapturedTables(db, config).get(0);
            source = TriggerSource.open(db, config);
        } else {
            NotifyCaptureConfig config = new NotifyCaptureConfig(List.of("sales_channel"), "bench" + System.nanoTime(), null);
            topic = config.topicFor("sales_channel");
            source = NotifySource.open(db, config);
        }
        KafkaClusterCheck.ensureTopics(kafka, List.of(topic), Duration.ofSeconds(30));
        long[] committedAt = new long[rows + 1];
        long[] arrivedAt = new long[rows + 1];
        Capture capture = Capture.start(source, new KafkaSink(kafka, List.of(topic)));
        TopicConsumer consumer = new TopicConsumer(kafka,
                new ConsumeConfig(topic, true, null, ConsumeConfig.Format.JSON, rows, Duration.ofSeconds(60)));
        Thread reader = new Thread(() -> consumer.run(change -> {
            JsonNode value = Json.parse(change.value());
            JsonNode row = value.has("after") ? value.get("after") : value;
            arrivedAt[row.get("id").asInt()] = System.nanoTime();
        }));
        reader.start();
        consumer.awaitAssignment(Duration.ofSeconds(30));
        long start = System.nanoTime();
        double writerRate = insert(db, rows, writers, rate, committedAt);
        reader.join();
        consumer.close();
        capture.close();
        if (slot != null) {
            LogicalSetup.teardown(db, slot, "pgcdc");
        }
        long last = Arrays.stream(arrivedAt).max().orElse(start);
        long[] latencies = new long[rows];
        int arrived = 0;
        for (int id = 1; id <= rows; id++) {
            if (arrivedAt[id] != 0) {
                latencies[arrived++] = arrivedAt[id] - committedAt[id];
            }
        }
        if (arrived != rows) {
            throw new IllegalStateException("only " + arrived + " of " + rows + " rows arrived");
        }
        Arrays.sort(latencies);
        return line(phase, writerRate, new double[] {rows / ((last - start) / 1e9), pct(latencies, 50),
                pct(latencies, 95), pct(latencies, 99), pct(latencies, 100)});
    }

    private static String line(String phase, double writerRate, double[] capture) {
        return capture == null
                ? String.format("%-34s %,10.0f %10s %9s %9s %9s %9s", phase, writerRate, "-", "-", "-", "-", "-")
                : String.format("%-34s %,10.0f %,10.0f %9.1f %9.1f %9.1f %9.1f", phase, writerRate, capture[0], capture[1],
                capture[2], capture[3], capture[4]);
    }

    private static DatabaseConfig freshDatabase(DatabaseConfig admin, String name, boolean withCapture, String mode) throws Exception {
        String database = "pgcdc_bench_" + name;
        exec(admin, "DROP DATABASE IF EXISTS " + database);
        exec(admin, "CREATE DATABASE " + database);
        DatabaseConfig db = new DatabaseConfig(url.replaceAll("/[^/?]+(\\?|$)", "/" + database + "$1"), user, password);
        if (withCapture && mode.equals("notify")) {
            TutorialSchema.install(db);
        } else {
            exec(db, "CREATE TABLE sales(id SERIAL PRIMARY KEY, customer_name VARCHAR(100), amount DECIMAL(10,2), "
                    + "sales_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
            if (withCapture && mode.equals("trigger")) {
                JournalSchema.install(db, List.of(new TableId("public", "sales")));
            } else if (withCapture && mode.equals("logical")) {
                LogicalSetup.install(db, "pgcdc", List.of(new TableId("public", "sales")), false, false);
            }
        }
        return db;
    }

    /** Inserts {@code rows} rows; {@code rate} rows/s in all when positive, else as fast as possible. Returns rows/s. */
    private static double insert(DatabaseConfig db, int rows, int writers, int rate, long[] committedAt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < writers; w++) {
            int share = rows / writers + (w < rows % writers ? 1 : 0);
            long intervalNanos = rate > 0 ? 1_000_000_000L * writers * txSize / rate : 0;
            done.add(pool.submit(() -> {
                try (Connection c = connect(db);
                     PreparedStatement insert = c.prepareStatement(
                             "INSERT INTO sales (customer_name, amount) VALUES (?, ?) RETURNING id")) {
                    c.setAutoCommit(txSize == 1);
                    int[] ids = new int[txSize];
                    long next = System.nanoTime();
                    for (int i = 0; i < share; i += txSize) {
                        if (intervalNanos > 0) {
                            next += intervalNanos;
                            LockSupport.parkNanos(next - System.nanoTime());
                        }
                        int inThisTx = Math.min(txSize, share - i);
                        for (int r = 0; r < inThisTx; r++) {
                            insert.setString(1, "customer " + (i + r));
                            insert.setBigDecimal(2, new BigDecimal("10.50"));
                            try (ResultSet rs = insert.executeQuery()) {
                                rs.next();
                                ids[r] = rs.getInt(1);
                            }
                        }
                        if (txSize > 1) {
                            c.commit();
                        }
                        long committed = System.nanoTime();
                        for (int r = 0; r < inThisTx; r++) {
                            committedAt[ids[r]] = committed;
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    private static double pct(long[] sorted, int p) {
        int index = Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[index] / 1e6;
    }

    private static long peakRssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    private static Connection connect(DatabaseConfig db) throws Exception {
        return DriverManager.getConnection(db.url(), db.connectionProperties("pgcdc-bench"));
    }

    private static void exec(DatabaseConfig db, String sql) throws Exception {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(DatabaseConfig db, String sql) throws Exception {
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1).replaceAll(" on .*", "");
        }
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
