package dev.pgcdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.source.trigger.JournalSchema;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.TriggerCapture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code status} in text and JSON, and its exit code: 0 when all is well, 6 when something needs attention. */
class StatusIT {

    private final KafkaConfig kafka = TestServices.kafka();
    private final DatabaseConfig database = TestServices.newDatabase();

    @Test
    void healthyCapturesAreReportedAsJsonWithExitZero() {
        TestServices.execute(database, "CREATE TABLE published (id int PRIMARY KEY); CREATE TABLE journaled (id int PRIMARY KEY)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "published")), false, false);
        JournalSchema.install(database, List.of(new TableId("public", "journaled")));
        LogicalCaptureConfig logical = LogicalCapture.config(TestServices.uniqueName("healthy"), "pgcdc");
        try (Capture ignoredLogical = LogicalCapture.start(database, kafka, logical);
             Capture ignoredTrigger = TriggerCapture.start(database, kafka, new TriggerCaptureConfig(TestServices.uniqueName("healthy"), true, Duration.ofMillis(200), 500))) {
            CliRun status = CliRun.of("status", "--db", database.url(), "--user", "postgres", "--slot", logical.slot(), "--format", "json");
            assertThat(status.exitCode()).as(status.out() + status.err()).isZero();
            JsonNode report = Json.parse(status.out());
            assertThat(report.at("/logical/slot").asText()).isEqualTo(logical.slot());
            assertThat(report.at("/logical/exists").asBoolean()).isTrue();
            assertThat(report.at("/logical/active").asBoolean()).isTrue();
            assertThat(report.at("/logical/retained_wal_bytes").isIntegralNumber()).isTrue();
            assertThat(report.at("/logical/tables_without_key")).isEmpty();
            assertThat(report.at("/trigger/installed").asBoolean()).isTrue();
            assertThat(report.at("/trigger/capture_connected").asBoolean()).isTrue();
            assertThat(report.at("/trigger/tables_without_key")).isEmpty();
            assertThat(report.get("attention")).isEmpty();
        } finally {
            LogicalSetup.teardown(database, logical.slot(), "pgcdc");
            JournalSchema.teardown(database, true);
        }
    }

    @Test
    void whatNeedsAttentionIsSaidWithTheFixAndExitsSix() {
        String slot = TestServices.uniqueName("idle");
        TestServices.execute(database, "CREATE TABLE keyless (a int); CREATE TABLE journaled_keyless (a int)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "keyless")), false, false);
        JournalSchema.install(database, List.of(new TableId("public", "journaled_keyless")));
        TestServices.execute(database, "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput'); "
                + "INSERT INTO journaled_keyless VALUES (1)");
        try {
            CliRun text = CliRun.of("status", "--db", database.url(), "--user", "postgres", "--slot", slot, "--max-retained", "0");
            assertThat(text.exitCode()).as(text.out() + text.err()).isEqualTo(ExitCodes.ATTENTION);
            assertThat(text.out()).contains("logical: slot " + slot + " idle", "trigger: 1 change(s) waiting", "no capture connected");
            assertThat(text.out().lines().filter(line -> line.startsWith("attention: ")).toList()).satisfiesExactly(
                    idle -> assertThat(idle).contains("slot " + slot + " is idle and retains", "more than --max-retained 0 bytes",
                            "pgcdc teardown --mode logical"),
                    unkeyed -> assertThat(unkeyed).contains("public.keyless have no primary key and no replica identity",
                            "REPLICA IDENTITY FULL"),
                    undrained -> assertThat(undrained).contains("the journal holds 1 change(s) and no capture is connected",
                            "start capture --mode trigger"),
                    keyless -> assertThat(keyless).contains("public.journaled_keyless have no primary key", "add a primary key"));

            CliRun json = CliRun.of("status", "--db", database.url(), "--user", "postgres", "--slot", slot, "--max-retained", "0",
                    "--format", "json");
            assertThat(json.exitCode()).isEqualTo(ExitCodes.ATTENTION);
            JsonNode report = Json.parse(json.out());
            assertThat(report.at("/logical/active").asBoolean()).isFalse();
            assertThat(report.at("/logical/tables_without_key/0").asText()).isEqualTo("public.keyless");
            assertThat(report.at("/trigger/pending_changes").asLong()).isEqualTo(1);
            assertThat(report.at("/trigger/capture_connected").asBoolean()).isFalse();
            assertThat(report.at("/trigger/tables_without_key/0").asText()).isEqualTo("public.journaled_keyless");
            assertThat(report.get("attention")).hasSize(4);

            CliRun badSize = CliRun.of("status", "--db", database.url(), "--user", "postgres", "--max-retained", "lots");
            assertThat(badSize.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
            assertThat(badSize.err()).hasLineCount(1).contains("--max-retained: 'lots' is not a size");
        } finally {
            LogicalSetup.teardown(database, slot, "pgcdc");
            JournalSchema.teardown(database, true);
        }
    }
}
