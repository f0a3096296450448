package dev.pgcdc.source.trigger;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.TableId;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import dev.pgcdc.testing.TriggerCapture;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An idle trigger capture is woken by the writers, not by a timer: with a poll interval of an hour, changes
 * made after it went idle still arrive, again and again.
 */
class TriggerWakeupIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final TableId TABLE = new TableId("public", "items");

    @Test
    void changesAfterEachIdleSpellArriveOnTheirWakeUpWithoutWaitingForThePollInterval() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("wakeup");
        String topic = prefix + ".public.items";
        TestServices.execute(database, "CREATE TABLE items (id int PRIMARY KEY)");
        JournalSchema.install(database, List.of(TABLE));
        TriggerCaptureConfig config = new TriggerCaptureConfig(prefix, false, Duration.ofHours(1), 500);

        try (Capture ignored = TriggerCapture.start(database, kafka, config)) {
            awaitCaptureWaitingForAWakeUp(database);
            TestServices.execute(database, "INSERT INTO items VALUES (1)");
            assertThat(Topics.read(kafka, topic, 1, WAIT)).extracting(ConsumedChange::key).containsExactly("{\"id\":1}");

            awaitCaptureWaitingForAWakeUp(database);
            TestServices.execute(database, "INSERT INTO items VALUES (2)");
            assertThat(Topics.read(kafka, topic, 2, WAIT)).extracting(ConsumedChange::key)
                    .containsExactly("{\"id\":1}", "{\"id\":2}");

            awaitCaptureWaitingForAWakeUp(database);
            TestServices.execute(database, "TRUNCATE items");
            assertThat(Topics.read(kafka, topic, 3, WAIT)).extracting(ConsumedChange::key)
                    .containsExactly("{\"id\":1}", "{\"id\":2}", null);
        }
    }

    /**
     * Forces the schedule that lost the wake-up: capture waits; writer A changes a row and its transaction stays
     * open (or rolls back); writer B changes another row and commits. B's change must arrive on a wake-up, not
     * after the poll interval (an hour here), however long A stays open and whether or not A commits.
     */
    @Test
    void aCommittedChangeWakesCaptureWhileAnotherWritersTransactionStaysOpenOrRollsBack() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("wakeopen");
        String topic = prefix + ".public.items";
        TestServices.execute(database, "CREATE TABLE items (id int PRIMARY KEY)");
        JournalSchema.install(database, List.of(TABLE));
        TriggerCaptureConfig config = new TriggerCaptureConfig(prefix, false, Duration.ofHours(1), 500);

        try (Capture ignored = TriggerCapture.start(database, kafka, config);
             Connection writerA = TestServices.connect(database)) {
            writerA.setAutoCommit(false);
            awaitCaptureWaitingForAWakeUp(database);
            try (Statement statement = writerA.createStatement()) {
                statement.execute("INSERT INTO items VALUES (1)");
            }
            TestServices.execute(database, "INSERT INTO items VALUES (2)");
            assertThat(Topics.read(kafka, topic, 1, WAIT)).extracting(ConsumedChange::key)
                    .as("B's committed change, while A's transaction is open").containsExactly("{\"id\":2}");

            writerA.rollback();
            awaitCaptureWaitingForAWakeUp(database);
            try (Statement statement = writerA.createStatement()) {
                statement.execute("INSERT INTO items VALUES (3)");
            }
            TestServices.execute(database, "INSERT INTO items VALUES (4)");
            writerA.rollback();
            assertThat(Topics.read(kafka, topic, 2, WAIT)).extracting(ConsumedChange::key)
                    .as("B's committed change, A rolled back").containsExactly("{\"id\":2}", "{\"id\":4}");
        }
    }

    @Test
    void journalInstalledWithoutTheWakeUpIsRefusedUntilSetupRunsAgain() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TABLE items (id int PRIMARY KEY)");
        JournalSchema.install(database, List.of(TABLE));
        TriggerCaptureConfig config = new TriggerCaptureConfig(TestServices.uniqueName("older"), false, null, 500);

        for (String removal : List.of("DROP FUNCTION pgcdc.take_wakeup_lock(int)", "DROP TRIGGER journal_wake_capture ON pgcdc.journal")) {
            TestServices.execute(database, removal);
            assertThat(catchThrowable(() -> TriggerSource.open(database, config).close()))
                    .as("after %s", removal)
                    .isInstanceOf(CdcException.class)
                    .hasMessageContaining("installed by an older pgcdc: run `pgcdc setup --mode trigger");

            JournalSchema.install(database, List.of(TABLE));
            TriggerSource.open(database, config).close();
        }
    }

    /** The capture holds the wake-up lock exclusively only once it read the journal empty and waits. */
    private static void awaitCaptureWaitingForAWakeUp(DatabaseConfig database) throws InterruptedException {
        Conditions.await("capture waiting for a wake-up", () -> {
            try {
                return TestServices.query(database, """
                        SELECT count(*) FROM pg_locks
                        WHERE locktype = 'advisory' AND classid = 1885823844 AND objid = 1785884268 AND objsubid = 2
                          AND mode = 'ExclusiveLock' AND granted
                          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())""").equals("1");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, WAIT);
    }
}
