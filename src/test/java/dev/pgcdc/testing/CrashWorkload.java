package dev.pgcdc.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The workload of the crash tests: concurrent writers upserting and deleting shared keys of table
 * {@code accounts}, some in multi-statement transactions; and the check, replaying consumed events into
 * a copy that must equal the table.
 */
public final class CrashWorkload {

    public static final String TABLE_DDL = "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL, note text)";
    private static final int KEYS = 500;

    private final Writers writers;

    private CrashWorkload(DatabaseConfig database, int writerCount, int operationsPerWriter) {
        writers = new Writers(writerCount, () -> write(database, operationsPerWriter));
    }

    public static CrashWorkload start(DatabaseConfig database, int writers, int operationsPerWriter) {
        return new CrashWorkload(database, writers, operationsPerWriter);
    }

    public boolean isRunning() {
        return writers.isRunning();
    }

    /** Waits for the writers; returns how many rows they changed in all. */
    public int awaitChanges() throws Exception {
        return writers.awaitTotal();
    }

    /** Upserts and deletes on shared keys, some grouped in transactions; returns how many rows changed. */
    private static int write(DatabaseConfig database, int operations) throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int changed = 0;
        try (Connection connection = TestServices.connect(database);
             PreparedStatement upsert = connection.prepareStatement("INSERT INTO accounts VALUES (?, 1, ?) "
                     + "ON CONFLICT (id) DO UPDATE SET balance = accounts.balance + 1, note = excluded.note");
             PreparedStatement delete = connection.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
            for (int i = 0; i < operations; i++) {
                boolean transaction = random.nextInt(10) == 0;
                connection.setAutoCommit(!transaction);
                int statements = transaction ? 3 : 1;
                int key = random.nextInt(KEYS - statements);
                for (int s = 0; s < statements; s++) {
                    // keys ascend within a transaction, so concurrent transactions cannot deadlock
                    if (random.nextInt(5) == 0) {
                        delete.setInt(1, key + s);
                        changed += delete.executeUpdate();
                    } else {
                        upsert.setInt(1, key + s);
                        upsert.setString(2, "w" + Thread.currentThread().getId() + "-" + i);
                        changed += upsert.executeUpdate();
                    }
                }
                if (transaction) {
                    connection.commit();
                }
            }
        }
        return changed;
    }

    public static Map<Integer, String> sourceRows(DatabaseConfig database) throws Exception {
        return TestServices.rowsById(database, "accounts");
    }

    /** The copy built by applying the events in topic order; duplicates (same change delivered twice) counted. */
    public record Replay(Map<Integer, String> rows, int events, int distinctChanges, int duplicates) {

        public static Replay of(List<ConsumedChange> records) {
            Map<Integer, String> rows = new HashMap<>();
            Set<String> seen = new HashSet<>();
            int events = 0;
            int duplicates = 0;
            for (ConsumedChange record : records) {
                if (record.value() == null) {
                    continue;
                }
                events++;
                JsonNode event = Json.parse(record.value());
                // The change's own WAL position where the mode has one; the journal id otherwise.
                JsonNode source = event.get("source");
                String identity = source.has("lsn") ? source.get("lsn").asText() + event.get("op").asText()
                        : source.get("sequence").asText();
                if (!seen.add(identity)) {
                    duplicates++;
                }
                switch (event.get("op").asText()) {
                    case "c", "u" -> rows.put(event.get("after").get("id").asInt(), Json.write(event.get("after")));
                    case "d" -> rows.remove(event.get("before").get("id").asInt());
                    case "t" -> rows.clear();
                    default -> throw new AssertionError("unexpected op in " + record.value());
                }
            }
            return new Replay(rows, events, seen.size(), duplicates);
        }
    }
}
