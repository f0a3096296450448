package dev.pgcdc.source.logical;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.embedded.EmbeddedKafkaBroker;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Kafka goes away mid-stream: capture stops without confirming what Kafka never got, and a restart delivers it. */
class KafkaOutageIT {

    /**
     * Client timeouts short enough to notice the outage in seconds rather than the default two minutes, and long
     * enough for a slow machine's first requests to a broker that just started.
     */
    private static final Map<String, String> IMPATIENT = Map.of("delivery.timeout.ms", "15000", "request.timeout.ms", "5000",
            "max.block.ms", "10000", "linger.ms", "0");

    @Test
    void changesKafkaNeverAcknowledgedAreNotConfirmedAndArriveAfterRestart() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("outage");
        String topic = prefix + ".public.t";
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "pgcdc");
        try {
            long confirmedAtOutage;
            try (EmbeddedKafkaBroker doomed = EmbeddedKafkaBroker.start()) {
                KafkaConfig kafka = new KafkaConfig(doomed.bootstrapServers(), IMPATIENT);
                Capture capture = LogicalCapture.start(database, kafka, config);
                insert(database, 1, 5);
                assertThat(Topics.read(kafka, topic, 5, Duration.ofSeconds(30))).as("capture %s", state(capture)).hasSize(5);
                awaitConfirmedPast(database, config.slot(), TestServices.query(database, "SELECT pg_current_wal_lsn()::text"));

                doomed.close();
                insert(database, 6, 10);
                CdcException failure = catchThrowableOfType(CdcException.class, () -> awaitEnd(capture));
                assertThat(failure.kind()).isEqualTo(CdcException.Kind.DELIVERY);
                assertThat(failure.getMessage()).contains("a change for topic '" + prefix + ".");
            }
            confirmedAtOutage = Long.parseLong(TestServices.query(database, "SELECT pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')::bigint::text "
                    + "FROM pg_replication_slots WHERE slot_name = '" + config.slot() + "'"));

            KafkaConfig healthy = TestServices.kafka();
            try (Capture ignored = LogicalCapture.start(database, healthy, config)) {
                List<ConsumedChange> records = Topics.read(healthy, topic, 5, Duration.ofSeconds(30));
                assertThat(records).extracting(ConsumedChange::key)
                        .containsExactly("{\"id\":6}", "{\"id\":7}", "{\"id\":8}", "{\"id\":9}", "{\"id\":10}");
                JsonNode source = Json.parse(records.get(0).value()).get("source");
                long firstUndelivered = source.get("lsn").asLong();
                assertThat(Json.parse(source.get("sequence").asText()).get(0).asText())
                        .as("a restarted capture knows the last commit before what it streams").isEqualTo(Long.toString(confirmedAtOutage));
                // A transaction is skipped on restart only if its commit ends at or before the confirmed position.
                assertThat(confirmedAtOutage).as("slot not confirmed past what Kafka never got").isLessThanOrEqualTo(firstUndelivered);
            }
        } finally {
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
        }
    }

    private static String state(Capture capture) {
        try {
            return capture.await(Duration.ZERO) ? "ended" : "running";
        } catch (CdcException e) {
            return "failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Within a minute of the outage: the first change to fail (delivery.timeout.ms, or max.block.ms for metadata the
     * client dropped with its broker) ends capture, however many changes are still to be sent behind it.
     */
    private static void awaitEnd(Capture capture) throws InterruptedException {
        assertThat(capture.await(Duration.ofSeconds(60))).as("capture ended within a minute of the outage").isTrue();
    }

    private static void insert(DatabaseConfig database, int from, int to) {
        for (int id = from; id <= to; id++) {
            TestServices.execute(database, "INSERT INTO t VALUES (" + id + ")");
        }
    }

    private static void awaitConfirmedPast(DatabaseConfig database, String slot, String lsn) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!TestServices.query(database, "SELECT (confirmed_flush_lsn >= '" + lsn + "')::text FROM pg_replication_slots WHERE slot_name = '"
                + slot + "'").equals("true")) {
            assertThat(System.nanoTime()).as("slot confirmed the delivered changes").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
