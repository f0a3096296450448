import dev.pgcdc.config.ConsumeConfig;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.NotifyCaptureConfig;
import dev.pgcdc.embedded.EmbeddedKafkaBroker;
import dev.pgcdc.event.Json;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.consume.TopicConsumer;
import dev.pgcdc.source.notify.NotifySource;
import dev.pgcdc.source.notify.TutorialSchema;

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
import java.util.concurrent.TimeUnit;

/**
 * Notify-mode benchmark. Phase 1, the ceiling: W writers insert N single-row transactions into a sales table
 * without trigger. Phase 2: the same with the tutorial's trigger, pgcdc capture publishing to Kafka and a
 * consumer reading back; latency per row = consumer arrival - insert commit (both clocks in this JVM).
 */
public final class NotifyBench {

    public static void main(String[] args) throws Exception {
        String url = arg(args, "--db", null);
        String user = arg(args, "--user", "postgres");
        String password = arg(args, "--password", null);
        int rows = Integer.parseInt(arg(args, "--rows", "10000"));
        int writers = Integer.parseInt(arg(args, "--writers", "4"));
        String kafkaBootstrap = arg(args, "--kafka", null);

        DatabaseConfig admin = new DatabaseConfig(url, user, password);
        exec(admin, "DROP DATABASE IF EXISTS pgcdc_bench_ceiling");
        exec(admin, "DROP DATABASE IF EXISTS pgcdc_bench_notify");
        exec(admin, "CREATE DATABASE pgcdc_bench_ceiling");
        exec(admin, "CREATE DATABASE pgcdc_bench_notify");
        DatabaseConfig ceilingDb = new DatabaseConfig(url.replaceAll("/[^/?]+(\\?|$)", "/pgcdc_bench_ceiling$1"), user, password);
        DatabaseConfig notifyDb = new DatabaseConfig(url.replaceAll("/[^/?]+(\\?|$)", "/pgcdc_bench_notify$1"), user, password);
        exec(ceilingDb, "CREATE TABLE sales(id SERIAL PRIMARY KEY, customer_name VARCHAR(100), amount DECIMAL(10,2), "
                + "sales_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
        TutorialSchema.install(notifyDb);
        System.out.printf("server: %s; fsync=%s synchronous_commit=%s%n", query(admin, "SELECT version()"),
                query(admin, "SHOW fsync"), query(admin, "SHOW synchronous_commit"));
        System.out.printf("workload: %,d single-row INSERT transactions from %d writer connections%n%n", rows, writers);

        long[] ignored = new long[rows + 1];
        double ceilingSeconds = insert(ceilingDb, rows, writers, ignored);

        long kafkaStart = System.nanoTime();
        EmbeddedKafkaBroker broker = kafkaBootstrap == null ? EmbeddedKafkaBroker.start() : null;
        KafkaConfig kafka = KafkaConfig.of(broker != null ? broker.bootstrapServers() : kafkaBootstrap);
        System.out.printf("kafka: %s (%s)%n", kafka.bootstrapServers(), broker != null
                ? String.format("embedded, started in %.1f s", (System.nanoTime() - kafkaStart) / 1e9) : "external");
        String topic = "bench_" + System.currentTimeMillis();
        NotifyCaptureConfig config = new NotifyCaptureConfig(List.of("sales_channel"), topic, null);
        KafkaClusterCheck.ensureTopics(kafka, config.topics(), Duration.ofSeconds(30));

        long[] committedAt = new long[rows + 1];
        long[] arrivedAt = new long[rows + 1];
        Capture capture = Capture.start(NotifySource.open(notifyDb, config), new KafkaSink(kafka, config.topics()));
        TopicConsumer consumer = new TopicConsumer(kafka,
                new ConsumeConfig(topic, true, null, ConsumeConfig.Format.JSON, rows, Duration.ofSeconds(60)));
        Thread reader = new Thread(() -> consumer.run(change -> {
            int id = Json.parse(change.value()).get("id").asInt();
            arrivedAt[id] = System.nanoTime();
        }));
        reader.start();
        consumer.awaitAssignment(Duration.ofSeconds(30));

        long start = System.nanoTime();
        double writeSeconds = insert(notifyDb, rows, writers, committedAt);
        reader.join();
        long end = Arrays.stream(arrivedAt).max().orElse(start);
        consumer.close();
        capture.close();

        long[] latencies = new long[rows];
        int arrived = 0;
        for (int id = 1; id <= rows; id++) {
            if (arrivedAt[id] != 0) {
                latencies[arrived++] = arrivedAt[id] - committedAt[id];
            }
        }
        latencies = Arrays.copyOf(latencies, arrived);
        Arrays.sort(latencies);

        System.out.printf("%n%-48s %12s%n", "", "rows/s");
        System.out.printf("%-48s %,12.0f%n", "ceiling: PostgreSQL alone (no trigger)", rows / ceilingSeconds);
        System.out.printf("%-48s %,12.0f%n", "writers with tutorial trigger + capture running", rows / writeSeconds);
        System.out.printf("%-48s %,12.0f%n", "end to end: first insert -> last row consumed", arrived / ((end - start) / 1e9));
        System.out.printf("%ndelivered: %,d of %,d rows%n", arrived, rows);
        System.out.printf("latency commit -> consumer (ms): p50 %.1f  p95 %.1f  p99 %.1f  max %.1f%n",
                pct(latencies, 50), pct(latencies, 95), pct(latencies, 99), pct(latencies, 100));
        System.out.printf("memory: peak RSS of this JVM (PostgreSQL client, capture, Kafka broker, consumer) %d MB; heap used %d MB%n",
                peakRssMb(), (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        if (broker != null) {
            broker.close();
        }
        System.exit(arrived == rows ? 0 : 1);
    }

    private static double insert(DatabaseConfig db, int rows, int writers, long[] committedAt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < writers; w++) {
            int share = rows / writers + (w < rows % writers ? 1 : 0);
            done.add(pool.submit(() -> {
                try (Connection c = connect(db);
                     PreparedStatement insert = c.prepareStatement(
                             "INSERT INTO sales (customer_name, amount) VALUES (?, ?) RETURNING id")) {
                    for (int i = 0; i < share; i++) {
                        insert.setString(1, "customer " + i);
                        insert.setBigDecimal(2, new BigDecimal("10.50"));
                        try (ResultSet rs = insert.executeQuery()) {
                            rs.next();
                            committedAt[rs.getInt(1)] = System.nanoTime();
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
        pool.awaitTermination(1, TimeUnit.MINUTES);
        return (System.nanoTime() - start) / 1e9;
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
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
