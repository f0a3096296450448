package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.testing.CrashablePostgres;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL goes down mid-stream (immediate shutdown, as in a crash) and starts again on the same data:
 * capture reconnects and resumes from the slot. An immediate stop, because a clean one waits for
 * walsenders and the embedded server allows it only a few seconds.
 */
class LogicalServerRestartIT {

    @Test
    void resumesFromTheSlotAfterPostgresCrashesAndRestarts() throws Exception {
        KafkaConfig kafka = TestServices.kafka();
        Path data = Files.createTempDirectory("pgcdc-restart-");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        DatabaseConfig database = new DatabaseConfig("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", null);
        String prefix = TestServices.uniqueName("restart");
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "pgcdc");
        EmbeddedPostgres first = CrashablePostgres.start(data, port);
        Capture capture = null;
        try {
            TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");
            LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
            capture = LogicalCapture.start(database, kafka, config);
            for (int id = 1; id <= 10; id++) {
                TestServices.execute(database, "INSERT INTO t VALUES (" + id + ")");
            }
            assertThat(Topics.read(kafka, prefix + ".public.t", 10, Duration.ofSeconds(30))).hasSize(10);
            CrashablePostgres.crash(data);
            first.close();
            first = CrashablePostgres.start(data, port);
            for (int id = 11; id <= 20; id++) {
                TestServices.execute(database, "INSERT INTO t VALUES (" + id + ")");
            }
            // At-least-once: changes whose confirmation the server had not saved before going down come again.
            List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.t", Integer.MAX_VALUE, Duration.ofSeconds(10));
            assertThat(records.stream().map(ConsumedChange::key).distinct()).hasSize(20);
            assertThat(capture.isRunning()).isTrue();
        } finally {
            if (capture != null) {
                capture.close();
            }
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
            first.close();
        }
    }
}
