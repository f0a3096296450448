package dev.pgcdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.ConsumeConfig;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.NotifyCaptureConfig;
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
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.notify.NotifySource;
import dev.pgcdc.source.notify.TutorialSchema;
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

/**
 * {@code pgcdc demo}: the tutorial end to end on one machine, with an embedded PostgreSQL and Kafka, so
 * nothing needs installing: setup, capture, consume, and sample sales arriving on screen.
 */
@Command(name = "demo", description = "Run the tutorial end to end with an embedded PostgreSQL and Kafka.")
final class DemoCommand implements Callable<Integer> {

    private static final String DATABASE = "postgres";
    private static final String CHANNEL = NotifyCaptureConfig.DEFAULT_CHANNEL;
    private static final String[] CUSTOMERS = {"Ana Souza", "Bruno Lima", "Carla Mendes", "Diego Rocha", "Elisa Prado"};
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

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
        PrintWriter out = spec.commandLine().getOut();
        Resources resources = new Resources();
        Thread stopper = new Thread(resources::close, "pgcdc-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            return run(out, resources);
        } finally {
            resources.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running
            }
        }
    }

    private int run(PrintWriter out, Resources resources) throws Exception {
        long startedAt = System.nanoTime();
        out.println("pgcdc demo: the tutorial's LISTEN/NOTIFY pipeline, with an embedded PostgreSQL and Kafka");
        out.flush();
        CompletableFuture<EmbeddedPostgresServer> postgresStart = CompletableFuture.supplyAsync(EmbeddedPostgresServer::start);
        CompletableFuture<EmbeddedKafkaBroker> kafkaStart = CompletableFuture.supplyAsync(EmbeddedKafkaBroker::start);
        resources.postgres = join(postgresStart);
        resources.kafka = join(kafkaStart);

        DatabaseConfig database = new DatabaseConfig(resources.postgres.jdbcUrl(DATABASE), EmbeddedPostgresServer.USER, null);
        KafkaConfig kafka = KafkaConfig.of(resources.kafka.bootstrapServers());
        NotifyCaptureConfig notify = new NotifyCaptureConfig(List.of(CHANNEL), null, null);
        TutorialSchema.install(database);
        KafkaClusterCheck.ensureTopics(kafka, notify.topics(), KAFKA_TIMEOUT);
        resources.capture = Capture.start(NotifySource.open(database, notify), new KafkaSink(kafka, notify.topics()));

        String psql = resources.postgres.psqlCommand(DATABASE);
        out.printf("  PostgreSQL  %s%n", psql);
        out.printf("  Kafka       bootstrap %s, topic %s%n", kafka.bootstrapServers(), notify.topicFor(CHANNEL));
        out.printf("  Ready in %.1f s. Try it from another terminal:%n", seconds(System.nanoTime() - startedAt));
        out.printf("    %s -c \"INSERT INTO sales (customer_name, amount) VALUES ('Product A', 10);\"%n", psql);
        out.printf("    ./pgcdc consume --kafka %s --topic %s --from-beginning%n", kafka.bootstrapServers(), notify.topicFor(CHANNEL));
        out.flush();

        int sampleRows = rows == null ? CUSTOMERS.length : rows;
        Arrivals arrivals = new Arrivals(sampleRows);
        ConsumeConfig consume = new ConsumeConfig(notify.topicFor(CHANNEL), true, null, ConsumeConfig.Format.PRETTY, 0, null);
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

        out.printf("Inserting %d sample sale(s)...%n", sampleRows);
        out.flush();
        long insertStart = System.nanoTime();
        insertSales(database, sampleRows, arrivals);
        if (!arrivals.awaitAll(Duration.ofSeconds(60 + sampleRows / 200))) {
            throw new CdcException(CdcException.Kind.INTERNAL, "only " + arrivals.count() + " of " + sampleRows
                    + " sales arrived within the time allowed");
        }
        long elapsed = System.nanoTime() - insertStart;
        List<Long> latencies = arrivals.latencies();
        synchronized (out) {
            out.printf("demo: %d rows inserted, captured and displayed in %.2f s; end-to-end latency p50 %d ms, max %d ms%n",
                    sampleRows, seconds(elapsed), percentile(latencies, 50), percentile(latencies, 100));
            out.flush();
        }
        if (rows == null) {
            out.println("Watching for more changes: insert rows with the psql line above. Ctrl-C to stop.");
            out.flush();
            resources.capture.await();
        }
        return ExitCodes.OK;
    }

    private static void insertSales(DatabaseConfig database, int count, Arrivals arrivals) throws SQLException {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-demo");
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO sales (customer_name, amount) VALUES (?, ?) RETURNING id")) {
            for (int i = 0; i < count; i++) {
                insert.setString(1, CUSTOMERS[i % CUSTOMERS.length]);
                insert.setBigDecimal(2, BigDecimal.valueOf(1000 + i * 37L, 2));
                try (ResultSet inserted = insert.executeQuery()) {
                    inserted.next();
                    arrivals.committed(inserted.getLong(1));
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
        private final CountDownLatch all;

        Arrivals(int expected) {
            this.all = new CountDownLatch(expected);
        }

        void committed(long id) {
            committedAt.put(id, System.nanoTime());
        }

        void record(ConsumedChange change) {
            long now = System.nanoTime();
            JsonNode id = change.value() == null ? null : Json.parse(change.value()).get("id");
            // A row shows up before its insert has returned when the consumer is faster than the JDBC round trip.
            if (id != null && latency.putIfAbsent(id.asLong(), now) == null) {
                all.countDown();
            }
        }

        boolean awaitAll(Duration timeout) throws InterruptedException {
            return all.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        long count() {
            return latency.size();
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
