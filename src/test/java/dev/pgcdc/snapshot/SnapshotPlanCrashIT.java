package dev.pgcdc.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A first logical start killed with SIGKILL while it records its snapshot plan: the next start still
 * snapshots the existing rows. The kill is forced at that exact point by holding the advisory lock that
 * recording the plan takes (the progress table's install), and waiting until the capture waits for it.
 */
class SnapshotPlanCrashIT {

    private static final int ROWS = 100;

    @Test
    void firstStartKilledWhileRecordingItsPlanSnapshotsOnTheNextStart() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("splan");
        String topic = prefix + ".public.items";
        TestServices.execute(database, """
                CREATE TABLE items (id int PRIMARY KEY, note text);
                INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, %d) g;
                CREATE PUBLICATION %s FOR TABLE items""".formatted(ROWS, prefix));
        // --kafka-timeout: each restart must reach the broker, which can take more than 10 s on a loaded machine.
        String[] capture = {"capture", "--mode", "logical", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--kafka-timeout", "60s", "--topic-prefix", prefix, "--slot", prefix, "--publication", prefix};
        try (Connection lock = TestServices.connect(database); Statement statement = lock.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(hashtext('pgcdc.snapshot_progress'))");
            PgcdcProcess first = PgcdcProcess.start(capture);
            try {
                Conditions.await("the capture waiting to record its snapshot plan", () -> waitingForThePlanLock(database),
                        Duration.ofSeconds(60));
                first.kill();
            } finally {
                first.close();
            }
        }
        if (slotExists(database, prefix)) {
            LogicalCapture.awaitSlotReleased(database, prefix);
        }

        try (PgcdcProcess second = PgcdcProcess.start(capture)) {
            assertThat(second.awaitLine("Snapshot complete: 1 table(s), " + ROWS + " row(s)", Duration.ofSeconds(60)))
                    .as(second.output()).isTrue();
            second.terminate();
            assertThat(second.awaitExit(Duration.ofSeconds(60))).as(second.output()).isZero();
        }
        List<ConsumedChange> records = Topics.read(kafka, topic, ROWS, Duration.ofSeconds(5));
        Map<Integer, String> replayed = new HashMap<>();
        for (ConsumedChange record : records) {
            JsonNode value = Json.parse(record.value());
            assertThat(value.get("op").asText()).isEqualTo("r");
            replayed.put(value.get("after").get("id").asInt(), value.get("after").toString());
        }
        assertThat(replayed).isEqualTo(TestServices.rowsById(database, "items"));
    }

    private static boolean waitingForThePlanLock(DatabaseConfig database) {
        try {
            return !TestServices.query(database, """
                    SELECT pid FROM pg_stat_activity WHERE application_name = 'pgcdc-snapshot'
                    AND wait_event_type = 'Lock' AND wait_event = 'advisory'""").isEmpty();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean slotExists(DatabaseConfig database, String slot) throws SQLException {
        return !TestServices.query(database, "SELECT slot_name FROM pg_replication_slots WHERE slot_name = '" + slot + "'").isEmpty();
    }
}
