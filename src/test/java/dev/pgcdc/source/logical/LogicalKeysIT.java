package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Keys come from the stream's Relation messages: the table as it was when the change happened. */
class LogicalKeysIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void primaryKeyAddedMidStreamKeysTheChangesAfterIt() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("addpk");
        TestServices.execute(database, "CREATE TABLE t (id int NOT NULL, v text)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, true);
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "pgcdc");
        try (Capture ignored = LogicalCapture.start(database, kafka, config)) {
            TestServices.execute(database, "INSERT INTO t VALUES (1, 'before the key')");
            assertThat(Topics.read(kafka, prefix + ".public.t", 1, WAIT)).hasSize(1);
            TestServices.execute(database, "ALTER TABLE t ADD PRIMARY KEY (id)");
            TestServices.execute(database, "INSERT INTO t VALUES (2, 'after the key')");
            assertThat(Topics.read(kafka, prefix + ".public.t", 2, WAIT)).extracting(ConsumedChange::key)
                    .containsExactly(null, "{\"id\":2}");
        } finally {
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
        }
    }

    @Test
    void changesOfATableRenamedWhileCaptureWasBehindKeepTheirKeyAndTopic() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("rename");
        TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY, v text)");
        LogicalSetup.install(database, "pgcdc", List.of(new TableId("public", "t")), false, false);
        LogicalCaptureConfig config = LogicalCapture.config(prefix, "pgcdc");
        try {
            try (Capture ignored = LogicalCapture.start(database, kafka, config)) {
                TestServices.execute(database, "INSERT INTO t VALUES (1, 'a')");
                assertThat(Topics.read(kafka, prefix + ".public.t", 1, WAIT)).hasSize(1);
            }
            TestServices.execute(database, "INSERT INTO t VALUES (2, 'b'); UPDATE t SET v = 'c' WHERE id = 1");
            TestServices.execute(database, "ALTER TABLE t RENAME TO t_renamed");
            try (Capture ignored = LogicalCapture.start(database, kafka, config)) {
                assertThat(Topics.read(kafka, prefix + ".public.t", 3, WAIT)).extracting(ConsumedChange::key)
                        .containsExactly("{\"id\":1}", "{\"id\":2}", "{\"id\":1}");
            }
        } finally {
            LogicalSetup.teardown(database, config.slot(), "pgcdc");
        }
    }
}
