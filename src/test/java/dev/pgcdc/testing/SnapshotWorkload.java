package dev.pgcdc.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.ZonedTimestamps;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tables with existing rows (0, 1, many, and a composite key) and concurrent writers that insert, update,
 * change keys and delete while a snapshot reads them. Every update bumps the row's {@code ver}, so a row's
 * older state delivered after its newer one shows as a {@code ver} going down in the topic.
 */
public final class SnapshotWorkload {

    public static final List<String> TABLES = List.of("snap_empty", "snap_one", "snap_many", "snap_pair");
    private static final int MOVED = 1_000_000;

    private final DatabaseConfig database;
    private final int rows;
    private final AtomicBoolean stop = new AtomicBoolean();
    private Writers writers;

    private SnapshotWorkload(DatabaseConfig database, int rows) {
        this.database = database;
        this.rows = rows;
    }

    /** Creates the four tables; {@code snap_many} gets {@code rows} rows, {@code snap_pair} a quarter of that. */
    public static SnapshotWorkload create(DatabaseConfig database, int rows) {
        TestServices.execute(database, """
                CREATE SEQUENCE snap_ids START 2000000;
                CREATE TABLE snap_empty (id int PRIMARY KEY, ver int NOT NULL, note text);
                CREATE TABLE snap_one (id int PRIMARY KEY, ver int NOT NULL, note text);
                CREATE TABLE snap_many (id int PRIMARY KEY, ver int NOT NULL, note text, at timestamptz DEFAULT now(), amount numeric);
                CREATE TABLE snap_pair (a int, b text, ver int NOT NULL, note text, PRIMARY KEY (a, b));
                INSERT INTO snap_one VALUES (1, 0, 'only');
                INSERT INTO snap_many SELECT g, 0, 'row ' || g, now(), g * 1.5 FROM generate_series(1, %d) g;
                INSERT INTO snap_pair SELECT g %% 100, 'k' || g, 0, 'pair ' || g FROM generate_series(1, %d) g;
                ANALYZE""".formatted(rows, rows / 4));
        return new SnapshotWorkload(database, rows);
    }

    public void startWriters(int count) {
        writers = new Writers(count, this::write);
    }

    /** Stops the writers and waits for them; how many changes they committed. */
    public int stopWriters() throws Exception {
        stop.set(true);
        return writers.awaitTotal();
    }

    private int write() throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int commits = 0;
        try (Connection connection = TestServices.connect(database); Statement statement = connection.createStatement()) {
            while (!stop.get()) {
                int id = random.nextInt(1, rows + 1);
                int dice = random.nextInt(100);
                String sql;
                if (dice < 40) {
                    sql = "UPDATE snap_many SET ver = ver + 1, note = 'u" + random.nextInt() + "' WHERE id = " + id;
                } else if (dice < 50) {
                    sql = "UPDATE snap_many SET id = id + " + MOVED + ", ver = ver + 1 WHERE id = " + id;
                } else if (dice < 62) {
                    sql = "DELETE FROM snap_many WHERE id = " + id;
                } else if (dice < 75) {
                    sql = "INSERT INTO snap_many (id, ver, note, amount) SELECT nextval('snap_ids'), 0, 'new', 2.25";
                } else if (dice < 85) {
                    sql = "UPDATE snap_pair SET ver = ver + 1 WHERE a = " + (id % 100) + " AND b = 'k" + (id / 4) + "'";
                } else if (dice < 90) {
                    sql = "UPDATE snap_pair SET b = b || 'x', ver = ver + 1 WHERE a = " + (id % 100) + " AND b = 'k" + (id / 4) + "'";
                } else if (dice < 94) {
                    sql = "DELETE FROM snap_pair WHERE a = " + (id % 100) + " AND b = 'k" + (id / 4) + "'";
                } else if (dice < 97) {
                    sql = "UPDATE snap_one SET ver = ver + 1";
                } else {
                    sql = "INSERT INTO snap_empty SELECT nextval('snap_ids'), 0, 'late'";
                }
                try {
                    statement.execute(sql);
                    commits++;
                } catch (SQLException e) {
                    // a key change onto a live key: nothing of it committed
                }
                LockSupport.parkNanos(2_000_000); // pace the writers so the snapshot shares the two cores
            }
        }
        return commits;
    }

    /**
     * Replays each table's topic in order and checks it: the result equals the table now, row text for row
     * text, and no key's {@code ver} ever goes down between two of its events (an older state after a newer one).
     * Returns how many snapshot ({@code op r}) events the topics held.
     */
    public static long assertTopicsReplayToTables(DatabaseConfig database, KafkaConfig kafka, String prefix) throws SQLException {
        return assertTopicsReplayToTables(database, kafka, prefix, java.time.Duration.ofSeconds(5));
    }

    /**
     * The same, reading each topic until {@code idle} passes without a record: with Kafka transactions a topic
     * holds fewer records than its end offset (commit markers take offsets too), so reads end by idling.
     */
    public static long assertTopicsReplayToTables(DatabaseConfig database, KafkaConfig kafka, String prefix, java.time.Duration idle)
            throws SQLException {
        long reads = 0;
        for (String table : TABLES) {
            String topic = prefix + ".public." + table;
            List<ConsumedChange> records = Topics.read(kafka, topic, (int) Topics.size(kafka, topic), idle);
            Map<JsonNode, String> replayed = new HashMap<>();
            Map<JsonNode, Integer> lastVer = new HashMap<>();
            List<String> wrong = new java.util.ArrayList<>();
            // Plain checks per record, one assertion per topic: hundreds of thousands of AssertJ assertions cost seconds.
            for (ConsumedChange record : records) {
                JsonNode key = Json.parse(record.key());
                if (record.value() == null) {
                    continue;
                }
                JsonNode value = Json.parse(record.value());
                String op = value.get("op").asText();
                if (op.equals("d")) {
                    replayed.remove(key);
                    lastVer.remove(key);
                    continue;
                }
                if (op.equals("r")) {
                    reads++;
                    if (!value.get("before").isNull()) {
                        wrong.add("key " + key + ": a snapshot row with a before");
                    }
                }
                JsonNode after = value.get("after");
                int ver = after.get("ver").asInt();
                Integer previous = lastVer.put(key, ver);
                if (previous != null && previous > ver) {
                    wrong.add("key " + key + ": ver " + ver + " after " + previous + " (" + op + ")");
                }
                replayed.put(key, Json.write(after));
            }
            assertThat(wrong.stream().limit(5).toList()).as("%s: %d wrong records, e.g.", table, wrong.size()).isEmpty();
            assertSame(topic, replayed, current(database, table));
        }
        return reads;
    }

    /** Fails with the first few differences only: a whole table in a message helps nobody. */
    private static void assertSame(String topic, Map<JsonNode, String> replayed, Map<JsonNode, String> source) {
        List<String> differences = new java.util.ArrayList<>();
        source.forEach((key, row) -> {
            if (!row.equals(replayed.get(key))) {
                differences.add(key + ": source " + row + ", topic " + replayed.get(key));
            }
        });
        replayed.keySet().stream().filter(key -> !source.containsKey(key)).forEach(key -> differences.add(key + ": only in the topic"));
        assertThat(differences).as("replay of %s differs from the source (%d keys) in %d keys, e.g.: %s", topic, source.size(),
                differences.size(), differences.stream().limit(5).toList()).isEmpty();
    }

    private static Map<JsonNode, String> current(DatabaseConfig database, String table) throws SQLException {
        String key = table.equals("snap_pair") ? "json_build_object('a', a, 'b', b)" : "json_build_object('id', id)";
        Map<JsonNode, String> rows = new HashMap<>();
        try (Connection connection = TestServices.connect(database)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TimeZone = 'UTC'");
            }
            readRows(connection, key, table, rows);
        }
        return rows;
    }

    private static void readRows(Connection connection, String key, String table, Map<JsonNode, String> rows) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + key + "::text, row_to_json(t)::text FROM " + table + " t");
             ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                // timestamptz as pgcdc publishes it: UTC with a Z (the one documented change to row_to_json)
                rows.put(Json.parse(rs.getString(1)), Json.write(Json.parse(ZonedTimestamps.inColumns(rs.getString(2), Set.of("at")))));
            }
        }
    }
}
