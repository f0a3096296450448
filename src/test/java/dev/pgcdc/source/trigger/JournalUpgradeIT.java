package dev.pgcdc.source.trigger;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code setup} upgrades a journal installed by an older pgcdc in place: the wake-up decided at commit replaces
 * the one decided at the first change, the (tx_id, id) index replaces the (tx_id) one, and pending changes stay
 * to be delivered.
 */
class JournalUpgradeIT {

    private static final TableId TABLE = new TableId("public", "items");

    @Test
    void setupUpgradesAnOlderJournalInPlaceKeepingItsPendingChanges() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TABLE items (id int PRIMARY KEY)");
        TestServices.executeResource(database, "/dev/pgcdc/source/trigger/journal-install-39578a9.sql");
        TestServices.execute(database, "CREATE TRIGGER pgcdc_capture AFTER INSERT OR UPDATE OR DELETE ON items"
                + " FOR EACH ROW EXECUTE FUNCTION pgcdc.journal_row_change()");
        TestServices.execute(database, "INSERT INTO items VALUES (1), (2)");
        TriggerCaptureConfig config = new TriggerCaptureConfig(TestServices.uniqueName("upgrade"), false, Duration.ofMillis(20), 500);

        assertThat(catchThrowable(() -> TriggerSource.openExactlyOnce(database, config, null).close()))
                .isInstanceOf(CdcException.class)
                .hasMessageContaining("installed by an older pgcdc: run `pgcdc setup --mode trigger");

        JournalSchema.install(database, List.of(TABLE));
        JournalSchema.install(database, List.of(TABLE));
        TestServices.execute(database, "INSERT INTO items VALUES (3)");

        assertThat(TestServices.query(database, """
                SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes
                WHERE schemaname = 'pgcdc' AND tablename = 'journal'""")).isEqualTo("journal_pkey,journal_tx_id_id");
        assertThat(TestServices.query(database, """
                SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger
                WHERE tgrelid = 'pgcdc.journal'::regclass""")).isEqualTo("journal_wake_capture");
        assertThat(TestServices.query(database, "SELECT to_regprocedure('pgcdc.wake_capture()') IS NULL")).isEqualTo("t");
        assertThat(readAll(database, config, 3)).containsExactly(1, 2, 3);
    }

    private static List<Integer> readAll(DatabaseConfig database, TriggerCaptureConfig config, int expected) throws InterruptedException {
        List<Integer> ids = new ArrayList<>();
        try (TriggerSource source = TriggerSource.openExactlyOnce(database, config, null)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ids.size() < expected && System.nanoTime() < deadline) {
                for (ChangeEvent event : source.poll(Duration.ofMillis(200))) {
                    ids.add(Json.parse(event.value()).get("after").get("id").asInt());
                }
            }
        }
        return ids;
    }
}
