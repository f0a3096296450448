package dev.pgcdc.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Concurrent writers on a few hot keys of table {@code items}: upserts, deletes, re-inserts, primary-key
 * changes and multi-statement transactions that hold row locks across statements. Every change stamps the
 * row with a per-key version taken from a side table under that key's lock, and logs the resulting state in
 * {@code history} in the same transaction: per key, history ordered by version is the sequence of committed
 * states, the ground truth the topic is compared with.
 */
public final class HotKeyWorkload {

    public static final String CAPTURED_TABLE = "items";
    private static final String DDL = """
            CREATE TABLE items (id int PRIMARY KEY, ver bigint NOT NULL, qty int, note text);
            CREATE TABLE versions (id int PRIMARY KEY, v bigint NOT NULL);
            CREATE TABLE history (id int NOT NULL, v bigint NOT NULL, ver bigint, PRIMARY KEY (id, v))""";
    /** Keys live at {@code k} or, after a key change, at {@code k + SHIFT}. */
    private static final int SHIFT = 100_000;
    private static final String ABSENT = "absent";

    private final Writers writers;

    private HotKeyWorkload(DatabaseConfig database, int writerCount, int hotKeys, BooleanSupplier done, AtomicInteger changes) {
        writers = new Writers(writerCount, () -> write(database, hotKeys, done, changes));
    }

    /** Creates the tables (the captured one and the two ground-truth ones) in an empty database. */
    public static void createTables(DatabaseConfig database) {
        TestServices.execute(database, DDL);
    }

    public static HotKeyWorkload start(DatabaseConfig database, int writers, int hotKeys, Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        return new HotKeyWorkload(database, writers, hotKeys, () -> System.nanoTime() >= deadline, new AtomicInteger());
    }

    /** Runs until {@code done} says so. */
    public static HotKeyWorkload startUntil(DatabaseConfig database, int writers, int hotKeys, BooleanSupplier done) {
        return new HotKeyWorkload(database, writers, hotKeys, done, new AtomicInteger());
    }

    /** Runs until at least {@code changes} committed row changes (states logged in history) are made. */
    public static HotKeyWorkload startChanges(DatabaseConfig database, int writers, int hotKeys, int changes) {
        AtomicInteger made = new AtomicInteger();
        return new HotKeyWorkload(database, writers, hotKeys, () -> made.get() >= changes, made);
    }

    public boolean isRunning() {
        return writers.isRunning();
    }

    /** Waits for the writers; returns how many transactions committed in all. */
    public int awaitCommits() throws Exception {
        return writers.awaitTotal();
    }

    private static int write(DatabaseConfig database, int hotKeys, BooleanSupplier done, AtomicInteger changes) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int commits = 0;
        try (Connection connection = TestServices.connect(database); Writer writer = new Writer(connection)) {
            connection.setAutoCommit(false);
            while (!done.getAsBoolean()) {
                writer.logged = 0;
                try {
                    int dice = random.nextInt(100);
                    if (dice < 60) {
                        writer.upsert(key(random, hotKeys));
                    } else if (dice < 75) {
                        writer.delete(key(random, hotKeys));
                    } else if (dice < 80) {
                        int from = key(random, hotKeys);
                        writer.changeKey(from, from > SHIFT ? from - SHIFT : from + SHIFT);
                    } else {
                        // ascending keys, each locked for the rest of the transaction: no deadlock among writers
                        TreeSet<Integer> keys = new TreeSet<>();
                        int count = random.nextInt(3, 6);
                        while (keys.size() < count) {
                            keys.add(key(random, hotKeys));
                        }
                        for (int key : keys) {
                            if (random.nextInt(4) == 0) {
                                writer.delete(key);
                            } else {
                                writer.upsert(key);
                            }
                        }
                    }
                    connection.commit();
                    commits++;
                    changes.addAndGet(writer.logged);
                } catch (SQLException e) {
                    connection.rollback(); // a key change onto a live key, or a deadlock: nothing of it committed
                }
            }
        }
        return commits;
    }

    private static int key(ThreadLocalRandom random, int hotKeys) {
        int key = random.nextInt(1, hotKeys + 1);
        return random.nextInt(3) == 0 ? key + SHIFT : key;
    }

    /** One writer's statements; every change takes the key's version first, so per key they serialise there. */
    private static final class Writer implements AutoCloseable {
        private final PreparedStatement bump;
        private final PreparedStatement upsert;
        private final PreparedStatement delete;
        private final PreparedStatement move;
        private final PreparedStatement log;
        private int logged;

        Writer(Connection connection) throws SQLException {
            bump = connection.prepareStatement("INSERT INTO versions VALUES (?, 1) "
                    + "ON CONFLICT (id) DO UPDATE SET v = versions.v + 1 RETURNING v");
            upsert = connection.prepareStatement("INSERT INTO items VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (id) DO UPDATE SET ver = excluded.ver, qty = items.qty + 1, note = excluded.note");
            delete = connection.prepareStatement("DELETE FROM items WHERE id = ?");
            move = connection.prepareStatement("UPDATE items SET id = ?, ver = ? WHERE id = ?");
            log = connection.prepareStatement("INSERT INTO history VALUES (?, ?, ?)");
        }

        void upsert(int key) throws SQLException {
            long version = bump(key);
            upsert.setInt(1, key);
            upsert.setLong(2, version);
            upsert.setInt(3, 1);
            upsert.setString(4, "v" + version);
            upsert.executeUpdate();
            log(key, version, version);
        }

        void delete(int key) throws SQLException {
            long version = bump(key);
            delete.setInt(1, key);
            if (delete.executeUpdate() == 1) {
                log(key, version, null);
            }
        }

        void changeKey(int from, int to) throws SQLException {
            long fromVersion = from < to ? bump(from) : 0;
            long toVersion = bump(to);
            fromVersion = from < to ? fromVersion : bump(from);
            move.setInt(1, to);
            move.setLong(2, toVersion);
            move.setInt(3, from);
            if (move.executeUpdate() == 1) {
                log(from, fromVersion, null);
                log(to, toVersion, toVersion);
            }
        }

        private long bump(int key) throws SQLException {
            bump.setInt(1, key);
            try (ResultSet version = bump.executeQuery()) {
                version.next();
                return version.getLong(1);
            }
        }

        private void log(int key, long version, Long state) throws SQLException {
            log.setInt(1, key);
            log.setLong(2, version);
            if (state == null) {
                log.setNull(3, java.sql.Types.BIGINT);
            } else {
                log.setLong(3, state);
            }
            log.executeUpdate();
            logged++;
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement statement : List.of(bump, upsert, delete, move, log)) {
                statement.close();
            }
        }
    }

    /** Per key, the committed states in commit order: the row's version, or "absent" after a delete. */
    public static Map<Integer, List<String>> committedStates(DatabaseConfig database) throws SQLException {
        Map<Integer, List<String>> states = new HashMap<>();
        try (Connection connection = TestServices.connect(database);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, ver FROM history ORDER BY id, v")) {
            while (rs.next()) {
                String ver = rs.getString(2);
                states.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>()).add(ver == null ? ABSENT : ver);
            }
        }
        return states;
    }

    /** The captured table now, as {@code row_to_json} text by id. */
    public static Map<Integer, String> sourceRows(DatabaseConfig database) throws SQLException {
        return TestServices.rowsById(database, CAPTURED_TABLE);
    }

    /**
     * The topic replayed in order: the copy it builds, each key's sequence of states, and how many events
     * were a second delivery of a change already seen (skipped, as an idempotent consumer would).
     * A key change may come as one update whose before and after keys differ, or as a delete of the old key
     * followed by a create of the new one.
     */
    public record Replay(Map<Integer, String> rows, Map<Integer, List<String>> states, int events, int duplicates) {

        public static Replay of(List<ConsumedChange> records) {
            Map<Integer, String> rows = new HashMap<>();
            Map<Integer, List<String>> states = new HashMap<>();
            Set<String> seen = new HashSet<>();
            int events = 0;
            int duplicates = 0;
            for (ConsumedChange record : records) {
                if (record.value() == null) {
                    continue;
                }
                events++;
                JsonNode event = Json.parse(record.value());
                String op = event.get("op").asText();
                if (!seen.add(event.get("source").get("sequence").asText() + op + record.key())) {
                    duplicates++;
                    continue;
                }
                JsonNode before = event.get("before");
                JsonNode after = event.get("after");
                if (before != null && !before.isNull() && (after == null || after.isNull()
                        || before.get("id").asInt() != after.get("id").asInt())) {
                    int gone = before.get("id").asInt();
                    rows.remove(gone);
                    states.computeIfAbsent(gone, k -> new ArrayList<>()).add(ABSENT);
                }
                if (after != null && !after.isNull()) {
                    int id = after.get("id").asInt();
                    rows.put(id, Json.write(after));
                    states.computeIfAbsent(id, k -> new ArrayList<>()).add(after.get("ver").asText());
                }
                if (!op.equals("c") && !op.equals("u") && !op.equals("d")) {
                    throw new AssertionError("unexpected op in " + record.value());
                }
            }
            return new Replay(rows, states, events, duplicates);
        }
    }
}
