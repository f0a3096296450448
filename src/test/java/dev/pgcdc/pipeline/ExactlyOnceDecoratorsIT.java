package dev.pgcdc.pipeline;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.pgcdc.testing.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * --exactly-once together with what decorates the sink: table filters and column masks, json-with-schema and
 * --metrics-port. They all sit in front of the transactional producer: what they publish is committed with
 * the position, and a change they filter out still moves the position inside the Kafka transaction.
 */
class ExactlyOnceDecoratorsIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void filtersMasksSchemaFormatAndMetricsWorkOverKafkaTransactions() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("eodeco");
        TestServices.execute(database, "CREATE TABLE customers (id int PRIMARY KEY, card text, name text); "
                + "CREATE TABLE audit_log (id int PRIMARY KEY, what text)");
        CliRun setup = CliRun.of("setup", "--db", database.url(), "--user", "postgres", "--mode", "trigger",
                "--table", "public.customers,public.audit_log");
        assertThat(setup.exitCode()).as(setup.err()).isZero();
        int metricsPort = freePort();
        // Streaming only: the journal holds every change since setup; a snapshot would read new rows again.
        try (PgcdcProcess capture = PgcdcProcess.start("capture", "--mode", "trigger", "--db", database.url(), "--user", "postgres",
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--exactly-once", "--exclude-table", "public\\.audit_.*",
                "--snapshot", "no_data", "--mask-column", "public.customers.card", "--value-format", "json-with-schema",
                "--metrics-port", Integer.toString(metricsPort))) {
            assertThat(capture.awaitLine("Metrics and health on port " + metricsPort, Duration.ofSeconds(60))).as(capture.output()).isTrue();
            TestServices.execute(database, "INSERT INTO customers VALUES (1, '4111-1111', 'Ana'); "
                    + "UPDATE customers SET card = '5500-0000' WHERE id = 1");
            List<ConsumedChange> customers = Topics.read(kafka, prefix + ".public.customers", 2, Duration.ofSeconds(30));
            assertThat(customers).hasSize(2);
            for (ConsumedChange change : customers) {
                assertThat(change.value()).startsWith("{\"schema\":").contains("\"payload\":", "\"card\":\"***\"", "\"name\":\"Ana\"")
                        .doesNotContain("4111", "5500");
            }
            String published = "pgcdc_changes_published_total{op=\"%s\",table=\"public.customers\"}";
            await("the published changes counted", () -> metric(metricsPort, published.formatted("u")) == 1, Duration.ofSeconds(30));
            assertThat(metric(metricsPort, published.formatted("c"))).isEqualTo(1);

            // Only a filtered change after the published ones: its journal row goes only once a Kafka commit stored its position.
            TestServices.execute(database, "INSERT INTO audit_log VALUES (1, 'login')");
            await("the filtered change's journal row removed after its Kafka commit", () -> journalRows(database) == 0,
                    Duration.ofSeconds(30));
            assertThat(Topics.read(kafka, prefix + ".public.audit_log", Integer.MAX_VALUE, Duration.ofSeconds(1))).isEmpty();
            capture.terminate();
            assertThat(capture.awaitExit(Duration.ofSeconds(60))).as(capture.output()).isZero();
        } finally {
            CliRun.of("teardown", "--db", database.url(), "--user", "postgres", "--mode", "trigger", "--force");
        }
    }

    private double metric(int port, String series) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher line = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(body);
            return line.find() ? Double.parseDouble(line.group(1)) : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    private static long journalRows(DatabaseConfig database) {
        try {
            return Long.parseLong(TestServices.query(database, "SELECT count(*)::text FROM pgcdc.journal"));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
