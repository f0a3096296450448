package dev.pgcdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.ConsumeConfig;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.config.NotifyCaptureConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.consume.ChangeFormat;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.consume.TopicConsumer;
import dev.pgcdc.embedded.EmbeddedKafkaBroker;
import dev.pgcdc.embedded.EmbeddedPostgresServer;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.Json;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.Source;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.source.logical.LogicalSource;
import dev.pgcdc.source.notify.NotifySource;
import dev.pgcdc.source.notify.TutorialSchema;
import dev.pgcdc.source.trigger.JournalSchema;
import dev.pgcdc.source.trigger.TriggerSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code pgcdc demo}: the tutorial end to end on one machine, with an embedded PostgreSQL and Kafka, so
 * nothing needs installing: setup, capture, consume, and sample sales arriving on screen.
 */
@Command(name = "demo", description = "Run the tutorial end to end with an embedded PostgreSQL and Kafka.")
final class DemoCommand implements Callable<Integer> {

    private static final String DATABASE = "postgres";
    private static final String CHANNEL = NotifyCaptureConfig.DEFAULT_CHANNEL;
    private static final TableId SALES = new TableId("public", "sales");
    private static final String[] CUSTOMERS = {"Ana Souza", "Bruno Lima", "Carla Mendes", "Diego Rocha", "Elisa Prado"};
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--mode", defaultValue = "logical", description = "Capture mode to demonstrate: ${COMPLETION-CANDIDATES} "
            + "(default: ${DEFAULT-VALUE}; trigger and logical also run some updates and deletes)")
    CaptureMode mode;

    @Option(names = "--rows", paramLabel = "N",
            description = "Insert N sample sales, wait until all are displayed, print a summary and exit. "
                    + "Without it: insert 5, then keep running for rows you insert yourself until Ctrl-C.")
    Integer rows;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (rows != null && rows < 1) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--rows must be at least 1, got " + rows);
        }
        DemoLibraries.require();
        PrintWriter out = spec.commandLine().getOut();
        Resources resources = new Resources();
        try (Signals ignored = Signals.onStopRequest(resources::close)) {
            return run(out, resources);
        } finally {
            resources.close();
        }
    }

    private int run(PrintWriter out, Resources resources) throws Exception {
        long startedAt = System.nanoTime();
        out.println("pgcdc demo: the tutorial end to end in " + mode + " mode, with an embedded PostgreSQL and Kafka");
        out.flush();
        CompletableFuture<EmbeddedPostgresServer> postgresStart = CompletableFuture.supplyAsync(EmbeddedPostgresServer::start);
        CompletableFuture<EmbeddedKafkaBroker> kafkaStart = CompletableFuture.supplyAsync(EmbeddedKafkaBroker::start);
        resources.postgres = join(postgresStart);
        resources.kafka = join(kafkaStart);

        DatabaseConfig database = new DatabaseConfig(resources.postgres.jdbcUrl(DATABASE), EmbeddedPostgresServer.USER, null);
        KafkaConfig kafka = KafkaConfig.of(resources.kafka.bootstrapServers());
        TutorialSchema.install(database);
        String topic;
        Source source;
        if (mode == CaptureMode.logical) {
            LogicalCaptureConfig logical = new LogicalCaptureConfig(null, null, null, true, null, false);
            LogicalSetup.install(database, logical.publication(), List.of(SALES), false, true);
            topic = LogicalSource.topicsOfPublishedTables(database, logical).get(0);
            source = LogicalSource.open(database, logical);
        } else if (mode == CaptureMode.trigger) {
            JournalSchema.install(database, List.of(SALES));
            TriggerCaptureConfig trigger = new TriggerCaptureConfig(null, true, null, 500);
            topic = TriggerSource.topicsOfCapturedTables(database, trigger).get(0);
            source = TriggerSource.open(database, trigger);
        } else {
            NotifyCaptureConfig notify = new NotifyCaptureConfig(List.of(CHANNEL), null, null);
            topic = notify.topicFor(CHANNEL);
            source = NotifySource.open(database, notify);
        }
        KafkaClusterCheck.ensureTopics(kafka, List.of(topic), KAFKA_TIMEOUT);
        resources.capture = Capture.start(source, new KafkaSink(kafka, List.of(topic)));

        // psql cannot read a JDBC URL: print the libpq form for psql, and the JDBC form for pgcdc's --db.
        String psqlUrl = "postgresql://" + EmbeddedPostgresServer.USER + "@localhost:" + resources.postgres.port() + "/" + DATABASE;
        String psql = "psql \"" + psqlUrl + "\"";
        out.printf("  PostgreSQL  %s (for pgcdc --db: %s)%n", psqlUrl, database.url());
        out.printf("  Capture     mode %s -> Kafka bootstrap %s, topic %s%n", mode, kafka.bootstrapServers(), topic);
        out.printf("  Ready in %.1f s. Try it from another terminal:%n", seconds(System.nanoTime() - startedAt));
        out.printf("    %s -c \"INSERT INTO sales (customer_name, amount) VALUES ('Product A', 10);\"%n", psql);
        out.printf("    ./pgcdc consume --kafka %s --topic %s --from-beginning%n", kafka.bootstrapServers(), topic);
        out.flush();

        int sampleRows = rows == null ? CUSTOMERS.length : rows;
        Workload workload = mode != CaptureMode.notify
                ? new Workload(sampleRows, Math.max(1, sampleRows / 5), Math.max(1, sampleRows / 10))
                : new Workload(sampleRows, 0, 0);
        Arrivals arrivals = new Arrivals(workload.expectedRecords());
        ConsumeConfig consume = new ConsumeConfig(topic, true, null, ConsumeConfig.Format.PRETTY, 0, null);
        TopicConsumer consumer = new TopicConsumer(kafka, consume);
        ChangeFormat lines = ChangeFormat.of(ConsumeConfig.Format.PRETTY);
        resources.consumer = consumer;
        resources.display = new Thread(() -> {
            try (consumer) {
                consumer.run(change -> {
                    synchronized (out) {
                        out.println("  consumed: " + lines.format(change));
                        out.flush();
                    }
                    arrivals.record(change);
                });
            }
        }, "pgcdc-demo-consume");
        resources.display.start();
        if (!consumer.awaitAssignment(KAFKA_TIMEOUT)) {
            throw new CdcException(CdcException.Kind.INTERNAL, "the demo consumer got no partition within " + KAFKA_TIMEOUT.toSeconds() + " s");
        }

        out.println("Running: " + workload.describe());
        out.flush();
        long insertStart = System.nanoTime();
        workload.run(database, arrivals);
        if (!arrivals.awaitAll(Duration.ofSeconds(60 + sampleRows / 200))) {
            throw new CdcException(CdcException.Kind.INTERNAL, "only " + arrivals.count() + " of "
                    + workload.expectedRecords() + " records arrived within the time allowed");
        }
        long elapsed = System.nanoTime() - insertStart;
        List<Long> latencies = arrivals.latencies();
        synchronized (out) {
            out.printf("demo: %d rows inserted, captured and displayed in %.2f s (%d record(s) in all); "
                            + "end-to-end latency p50 %d ms, max %d ms%n",
                    sampleRows, seconds(elapsed), arrivals.count(), percentile(latencies, 50), percentile(latencies, 100));
            out.flush();
        }
        if (rows == null) {
            out.println("Watching for more changes: insert rows with the psql line above. Ctrl-C to stop.");
            out.flush();
            resources.capture.await();
        }
        return ExitCodes.OK;
    }

    /** The sample changes: inserts, then updates of the first rows and deletes of the last ones. */
    private record Workload(int inserts, int updates, int deletes) {

        /** Every change is one record, and each delete is followed by its tombstone. */
        int expectedRecords() {
            return inserts + updates + 2 * deletes;
        }

        String describe() {
            return inserts + " insert(s)" + (updates + deletes == 0 ? "" : ", " + updates + " update(s), " + deletes + " delete(s)");
        }

        void run(DatabaseConfig database, Arrivals arrivals) throws SQLException {
            try (Connection connection = PostgresConnections.open(database, "pgcdc-demo");
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO sales (customer_name, amount) VALUES (?, ?) RETURNING id");
                 PreparedStatement update = connection.prepareStatement("UPDATE sales SET amount = amount + 1 WHERE id = ?");
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM sales WHERE id = ?")) {
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < inserts; i++) {
                    insert.setString(1, CUSTOMERS[i % CUSTOMERS.length]);
                    insert.setBigDecimal(2, BigDecimal.valueOf(1000 + i * 37L, 2));
                    try (ResultSet inserted = insert.executeQuery()) {
                        inserted.next();
                        ids.add(inserted.getLong(1));
                        arrivals.committed(inserted.getLong(1));
                    }
                }
                for (int i = 0; i < updates; i++) {
                    update.setLong(1, ids.get(i % ids.size()));
                    update.executeUpdate();
                }
                for (int i = 0; i < deletes; i++) {
                    delete.setLong(1, ids.get(ids.size() - 1 - i % ids.size()));
                    delete.executeUpdate();
                }
            }
        }
    }

    private static <T> T join(CompletableFuture<T> start) {
        try {
            return start.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static long percentile(List<Long> sorted, int percent) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return TimeUnit.NANOSECONDS.toMillis(sorted.get(Math.max(0, index)));
    }

    /** When each demo row was committed and when it was displayed, to report end-to-end latency. */
    private static final class Arrivals {
        private final Map<Long, Long> committedAt = new ConcurrentHashMap<>();
        private final Map<Long, Long> latency = new ConcurrentHashMap<>();
        private final AtomicLong received = new AtomicLong();
        private final CountDownLatch all;

        Arrivals(int expected) {
            this.all = new CountDownLatch(expected);
        }

        void committed(long id) {
            committedAt.put(id, System.nanoTime());
        }

        void record(ConsumedChange change) {
            long now = System.nanoTime();
            received.incrementAndGet();
            all.countDown();
            JsonNode id = insertedId(change);
            if (id != null) {
                latency.putIfAbsent(id.asLong(), now);
            }
        }

        /** The id of an inserted sale: the tutorial's payload is the row, a change event has it in "after". */
        private static JsonNode insertedId(ConsumedChange change) {
            if (change.value() == null) {
                return null;
            }
            JsonNode value = Json.parse(change.value());
            if (value.has("op")) {
                return value.path("op").asText().equals("c") ? value.path("after").get("id") : null;
            }
            return value.get("id");
        }

        boolean awaitAll(Duration timeout) throws InterruptedException {
            return all.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        long count() {
            return received.get();
        }

        List<Long> latencies() {
            List<Long> result = new ArrayList<>();
            latency.forEach((id, arrivedAt) -> {
                Long committed = committedAt.get(id);
                if (committed != null) {
                    result.add(Math.max(0, arrivedAt - committed));
                }
            });
            Collections.sort(result);
            return result;
        }
    }

    /** Everything the demo starts, closed in reverse order, once, whether it ends normally or by Ctrl-C. */
    private static final class Resources implements AutoCloseable {
        volatile EmbeddedPostgresServer postgres;
        volatile EmbeddedKafkaBroker kafka;
        volatile Capture capture;
        volatile TopicConsumer consumer;
        volatile Thread display;
        private boolean closed;

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (consumer != null) {
                consumer.stop();
                joinQuietly(display);
            }
            if (capture != null) {
                capture.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        }

        private static void joinQuietly(Thread thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
