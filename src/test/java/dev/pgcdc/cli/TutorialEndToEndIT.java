package dev.pgcdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.event.Json;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tutorial as a user runs it: a database prepared by hand with the tutorial's exact SQL, {@code pgcdc
 * capture} as its own process, rows inserted, {@code pgcdc consume} showing them.
 */
class TutorialEndToEndIT {

    private static final List<String> CUSTOMERS = List.of("Product A", "Zoë \"quoted\" O'Brien", "Ünïcödé", "big", "small");
    private static final List<String> AMOUNTS = List.of("10.00", "10.50", "0.01", "99999999.99", "-3.10");

    @Test
    void consumeShowsEveryInsertedSaleInCommitOrderWithExactAmounts() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.executeResource(database, "/tutorial/schema.sql");
        KafkaConfig kafka = TestServices.kafka();
        String topic = TestServices.uniqueName("tutorial");

        try (PgcdcProcess capture = PgcdcProcess.start("capture", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--mode", "notify", "--channel", "sales_channel", "--topic", topic)) {
            assertThat(capture.awaitLine("Capturing NOTIFY", Duration.ofSeconds(60))).as(capture.output()).isTrue();

            try (Connection connection = TestServices.connect(database); Statement statement = connection.createStatement()) {
                for (int i = 0; i < CUSTOMERS.size(); i++) {
                    statement.execute("INSERT INTO sales (customer_name, amount) VALUES ('"
                            + CUSTOMERS.get(i).replace("'", "''") + "', " + AMOUNTS.get(i) + ")");
                }
            }

            CliRun json = CliRun.of("consume", "--kafka", kafka.bootstrapServers(), "--topic", topic,
                    "--from-beginning", "--format", "json", "--max", "5", "--timeout", "30s");
            assertThat(json.exitCode()).as(json.err()).isZero();
            List<String> lines = json.out().lines().toList();
            assertThat(lines).hasSize(5);
            for (int i = 0; i < lines.size(); i++) {
                JsonNode row = Json.parse(lines.get(i));
                assertThat(row.get("id").asInt()).isEqualTo(i + 1);
                assertThat(row.get("customer_name").asText()).isEqualTo(CUSTOMERS.get(i));
                assertThat(lines.get(i)).contains("\"amount\":" + AMOUNTS.get(i) + ",");
                assertThat(row.get("sales_date").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?");
            }

            CliRun pretty = CliRun.of("consume", "--kafka", kafka.bootstrapServers(), "--topic", topic,
                    "--from-beginning", "--max", "5", "--timeout", "30s");
            assertThat(pretty.exitCode()).isZero();
            assertThat(pretty.out().lines().toList()).hasSize(5).first().asString()
                    .contains(topic + "/0@0", "key={\"id\":1}", "id=1", "customer_name=Product A", "amount=10.00");

            capture.terminate();
            int exit = capture.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).as(capture.output()).isZero();
            assertThat(capture.output()).contains("Stopped: 5 change(s) delivered");
        }
    }

    @Test
    void notifyDemoWithFiveRowsShowsThemAndExitsCleanly() throws Exception {
        try (PgcdcProcess demo = PgcdcProcess.start("demo", "--mode", "notify", "--rows", "5")) {
            int exit = demo.awaitExit(Duration.ofMinutes(3));
            assertThat(exit).as(demo.output()).isZero();
            assertThat(demo.output())
                    .contains("psql \"postgresql://postgres@localhost:", "bootstrap 127.0.0.1:")
                    .contains("demo: 5 rows inserted, captured and displayed");
            assertThat(demo.output().lines().filter(line -> line.contains("consumed:"))).hasSize(5);
        }
    }
}
