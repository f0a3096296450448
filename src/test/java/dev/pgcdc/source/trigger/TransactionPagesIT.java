package dev.pgcdc.source.trigger;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once trigger capture reads a batch transaction by transaction, in order of each transaction's last
 * journal row, a few rows per page: interleaved transactions come out whole, a transaction larger than a page
 * is split only across pages, never mixed with another.
 */
class TransactionPagesIT {

    @Test
    void interleavedTransactionsComeWholeInOrderOfTheirLastRowAcrossSmallPages() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TABLE items (id int PRIMARY KEY, v int)");
        JournalSchema.install(database, List.of(new TableId("public", "items")));
        try (Connection a = TestServices.connect(database); Connection b = TestServices.connect(database);
             Statement first = a.createStatement(); Statement second = b.createStatement()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            first.execute("INSERT INTO items VALUES (1, 0)");
            second.execute("INSERT INTO items VALUES (11, 0)");
            first.execute("INSERT INTO items VALUES (2, 0)");
            second.execute("INSERT INTO items VALUES (12, 0)");
            b.commit();
            first.execute("INSERT INTO items VALUES (3, 0)");
            a.commit();
        }
        TestServices.execute(database, "INSERT INTO items SELECT g, 0 FROM generate_series(21, 27) g");
        TestServices.execute(database, "INSERT INTO items VALUES (31, 0)");

        TriggerCaptureConfig config = new TriggerCaptureConfig(TestServices.uniqueName("pages"), false, Duration.ofMillis(20), 2);
        List<Integer> ids = new ArrayList<>();
        try (TriggerSource source = TriggerSource.openExactlyOnce(database, config, null)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ids.size() < 13 && System.nanoTime() < deadline) {
                for (ChangeEvent event : source.poll(Duration.ofMillis(200))) {
                    ids.add(Json.parse(event.value()).get("after").get("id").asInt());
                }
            }
        }
        assertThat(ids).containsExactly(11, 12, 1, 2, 3, 21, 22, 23, 24, 25, 26, 27, 31);
    }
}
