package dev.pgcdc.observe;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.testing.CrashablePostgres;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.pgcdc.testing.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code capture --metrics-port} as an operator scrapes it: counters per table and op move as changes flow,
 * the end-to-end lag is recorded, the slot's retained WAL is shown, and readiness follows PostgreSQL going
 * down and coming back.
 */
class MetricsAndHealthIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void metricsMoveAsChangesFlowAndReadinessFollowsPostgres() throws Exception {
        KafkaConfig kafka = TestServices.kafka();
        Path data = Files.createTempDirectory("pgcdc-observe-");
        int pgPort = freePort();
        int metricsPort = freePort();
        DatabaseConfig database = new DatabaseConfig("jdbc:postgresql://localhost:" + pgPort + "/postgres", "postgres", null);
        String prefix = TestServices.uniqueName("metrics");
        EmbeddedPostgres server = CrashablePostgres.start(data, pgPort);
        try {
            TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY, qty int)");
            LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
            // Streaming only: the slot is new; an initial snapshot would read rows written after the start again.
            try (PgcdcProcess capture = PgcdcProcess.start("capture", "--mode", "logical", "--db", database.url(), "--user", "postgres",
                    "--snapshot", "no_data", "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix,
                    "--metrics-port", Integer.toString(metricsPort))) {
                assertThat(capture.awaitLine("Metrics and health on port " + metricsPort, Duration.ofSeconds(60))).as(capture.output()).isTrue();
                await("ready once streaming", () -> status("/health/ready", metricsPort) == 200, Duration.ofSeconds(20));
                assertThat(status("/health/live", metricsPort)).isEqualTo(200);

                TestServices.execute(database, "INSERT INTO t SELECT g, 0 FROM generate_series(1, 50) g; "
                        + "UPDATE t SET qty = 1 WHERE id <= 10; DELETE FROM t WHERE id <= 5");
                String published = "pgcdc_changes_published_total{op=\"%s\",table=\"public.t\"}";
                await("every change counted", () -> metric(metricsPort, published.formatted("d")) == 5, Duration.ofSeconds(30));
                String metrics = get("/metrics", metricsPort).body();
                assertThat(value(metrics, published.formatted("c"))).isEqualTo(50);
                assertThat(value(metrics, published.formatted("u"))).isEqualTo(10);
                assertThat(value(metrics, "pgcdc_changes_published_total{op=\"tombstone\",table=\"" + prefix + ".public.t\"}")).isEqualTo(5);
                assertThat(value(metrics, "pgcdc_changes_captured_total{op=\"c\",table=\"public.t\"}")).isEqualTo(50);
                assertThat(value(metrics, "pgcdc_end_to_end_lag_seconds_count")).isEqualTo(65);
                assertThat(value(metrics, "pgcdc_end_to_end_lag_seconds_max")).isPositive().isLessThan(30);
                assertThat(metrics).contains("pgcdc_end_to_end_lag_seconds_bucket{le=", "pgcdc_kafka_send_errors_total 0.0",
                        "pgcdc_kafka_send_retries_total", "pgcdc_seconds_since_last_event ");
                assertThat(value(metrics, "pgcdc_source_position")).isPositive();
                await("the slot's retained WAL shown", () -> metric(metricsPort, "pgcdc_slot_retained_wal_bytes") > 0, Duration.ofSeconds(10));

                CrashablePostgres.crash(data);
                server.close();
                await("not ready while PostgreSQL is down", () -> status("/health/ready", metricsPort) == 503, Duration.ofSeconds(15));
                assertThat(get("/health/ready", metricsPort).body()).contains("\"status\":\"DOWN\"", "PostgreSQL unreachable");
                assertThat(status("/health/live", metricsPort)).isEqualTo(200);

                server = CrashablePostgres.start(data, pgPort);
                await("ready again once PostgreSQL is back", () -> status("/health/ready", metricsPort) == 200, Duration.ofSeconds(60));
            }
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
            server.close();
        }
    }

    private HttpResponse<String> get(String path, int port) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int status(String path, int port) {
        try {
            return get(path, port).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private double metric(int port, String series) {
        try {
            return value(get("/metrics", port).body(), series);
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** A series' value in Prometheus text; NaN when absent. */
    private static double value(String metrics, String series) {
        Matcher line = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return line.find() ? Double.parseDouble(line.group(1)) : Double.NaN;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
