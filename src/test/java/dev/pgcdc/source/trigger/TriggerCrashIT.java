package dev.pgcdc.source.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A capture process killed with SIGKILL again and again while several writers change the same rows:
 * replaying every consumed event into a copy must give exactly the source table.
 */
class TriggerCrashIT {

    private static final int WRITERS = 4;
    private static final int OPERATIONS_PER_WRITER = 5_000;
    private static final int KEYS = 500;
    private static final int MIN_KILLS = 6;

    @Test
    void resumesAfterRepeatedKillsWithoutLosingOrReorderingChanges() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("crash");
        String topic = prefix + ".public.accounts";
        TestServices.execute(database, "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL, note text)");
        JournalSchema.install(database, List.of(new TableId("public", "accounts")));
        String[] capture = {"capture", "--mode", "trigger", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--poll-interval", "100ms"};

        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<Integer>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            writers.add(pool.submit(() -> write(database)));
        }
        int kills = 0;
        while (kills < MIN_KILLS || writers.stream().anyMatch(f -> !f.isDone())) {
            PgcdcProcess process = PgcdcProcess.start(capture);
            assertThat(process.awaitLine("Capturing journal", Duration.ofSeconds(60))).as(process.output()).isTrue();
            Thread.sleep(ThreadLocalRandom.current().nextLong(200, 900));
            process.kill();
            kills++;
        }
        int changes = 0;
        for (Future<Integer> writer : writers) {
            changes += writer.get();
        }
        pool.shutdown();

        try (PgcdcProcess last = PgcdcProcess.start(capture)) {
            assertThat(last.awaitLine("Capturing journal", Duration.ofSeconds(60))).isTrue();
            TriggerCaptureIT.awaitEmptyJournal(database);
            last.terminate();
            assertThat(last.awaitExit(Duration.ofSeconds(60))).isIn(0, 143);
        }

        List<ConsumedChange> records = Topics.read(kafka, topic, Integer.MAX_VALUE, Duration.ofSeconds(10));
        Replay replay = Replay.of(records);
        assertThat(replay.rows()).as("replayed copy equals the source table").isEqualTo(sourceRows(database));
        assertThat(replay.distinctChanges()).as("every change delivered").isEqualTo(changes);
        System.out.printf("trigger crash test: %d kills, %d changes, %d events consumed, %d duplicates%n",
                kills, changes, replay.events(), replay.duplicates());
    }

    /** Upserts and deletes on shared keys, some grouped in transactions; returns how many rows changed. */
    private static int write(DatabaseConfig database) throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int changed = 0;
        try (Connection connection = TestServices.connect(database);
             PreparedStatement upsert = connection.prepareStatement("INSERT INTO accounts VALUES (?, 1, ?) "
                     + "ON CONFLICT (id) DO UPDATE SET balance = accounts.balance + 1, note = excluded.note");
             PreparedStatement delete = connection.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
            for (int i = 0; i < OPERATIONS_PER_WRITER; i++) {
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

    private static Map<Integer, String> sourceRows(DatabaseConfig database) throws Exception {
        Map<Integer, String> rows = new HashMap<>();
        try (Connection connection = TestServices.connect(database);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, row_to_json(a)::text FROM accounts a")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getString(2));
            }
        }
        return rows;
    }

    /** The copy built by applying the events in topic order; duplicates (same journal id) counted. */
    private record Replay(Map<Integer, String> rows, int events, int distinctChanges, int duplicates) {

        static Replay of(List<ConsumedChange> records) {
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
                if (!seen.add(event.get("source").get("sequence").asText())) {
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
