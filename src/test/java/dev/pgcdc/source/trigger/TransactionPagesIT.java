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
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once trigger capture reads a batch transaction by transaction, in order of each transaction's last
 * journal row, a few rows per page: interleaved transactions come out whole, a transaction larger than a page
 * is split only across pages, never mixed with another, also where a batch holds more transactions than
 * capture looks up at once.
 */
class TransactionPagesIT {

    @Test
    void interleavedTransactionsComeWholeInOrderOfTheirLastRowAcrossSmallPages() throws Exception {
        DatabaseConfig database = journaledItems();
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

    @Test
    void transactionsStayWholeWhenTheBatchOutgrowsOneLookupOfItsTransactions() throws Exception {
        DatabaseConfig database = journaledItems();
        // one-row pages find 200 transactions at a time: B ends 200th, A well after the second lookup starts
        try (Connection a = TestServices.connect(database); Connection b = TestServices.connect(database);
             Connection others = TestServices.connect(database);
             Statement first = a.createStatement(); Statement second = b.createStatement(); Statement other = others.createStatement()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            first.execute("INSERT INTO items VALUES (1, 0)");
            second.execute("INSERT INTO items VALUES (2, 0)");
            for (int id = 3; id <= 200; id++) {
                other.execute("INSERT INTO items VALUES (" + id + ", 0)");
            }
            second.execute("INSERT INTO items VALUES (201, 0)");
            b.commit();
            for (int id = 202; id <= 260; id++) {
                other.execute("INSERT INTO items VALUES (" + id + ", 0)");
            }
            first.execute("INSERT INTO items VALUES (261, 0)");
            a.commit();
        }
        List<Integer> expected = new ArrayList<>();
        IntStream.rangeClosed(3, 200).forEach(expected::add);
        expected.addAll(List.of(2, 201));
        IntStream.rangeClosed(202, 260).forEach(expected::add);
        expected.addAll(List.of(1, 261));

        TriggerCaptureConfig config = new TriggerCaptureConfig(TestServices.uniqueName("pages"), false, Duration.ofMillis(20), 1);
        List<Integer> ids = new ArrayList<>();
        List<Integer> readAtCommitPlaces = new ArrayList<>();
        try (TriggerSource source = TriggerSource.openExactlyOnce(database, config, null)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ids.size() < expected.size() && System.nanoTime() < deadline) {
                for (ChangeEvent event : source.poll(Duration.ofMillis(200))) {
                    ids.add(Json.parse(event.value()).get("after").get("id").asInt());
                }
                if (source.takePositionWithoutEvents() instanceof BatchBoundary) {
                    readAtCommitPlaces.add(ids.size());
                }
            }
        }
        assertThat(ids).containsExactlyElementsOf(expected);
        assertThat(readAtCommitPlaces).as("Kafka commits only between transactions, never inside B or A")
                .isNotEmpty().doesNotContain(199, 260);
    }

    /** A new database whose table {@code items} is captured into the journal. */
    private static DatabaseConfig journaledItems() {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TABLE items (id int PRIMARY KEY, v int)");
        JournalSchema.install(database, List.of(new TableId("public", "items")));
        return database;
    }
}
