package dev.pgcdc.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.Conditions;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A logical capture process killed with SIGKILL twice in the middle of its snapshot, its one table read by
 * three workers in parallel, resumes each time with the chunks not recorded: no run reads a recorded chunk
 * again (neither the completed prefix nor the later chunks other workers finished first), and the topic ends
 * up holding every row exactly as the table does.
 */
class SnapshotResumeIT {

    private static final int ROWS = 20_000;
    private static final int CHUNK_ROWS = 2_000;
    private static final int[] KILL_AFTER_ROWS = {4_000, 10_000};

    @Test
    void snapshotKilledTwiceResumesFromItsNextChunkAndEndsExact() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("sresume");
        String topic = prefix + ".public.big";
        TestServices.execute(database, """
                CREATE TABLE big (id int PRIMARY KEY, note text, amount numeric);
                INSERT INTO big SELECT g, 'row ' || g, g * 0.25 FROM generate_series(1, %d) g;
                CREATE PUBLICATION %s FOR TABLE big""".formatted(ROWS, prefix));
        String[] capture = {"capture", "--mode", "logical", "--db", database.url(), "--user", database.user(),
                "--kafka", kafka.bootstrapServers(), "--topic-prefix", prefix, "--slot", prefix, "--publication", prefix,
                "--snapshot-chunk-rows", Integer.toString(CHUNK_ROWS), "--snapshot-workers", "3"};
        List<Integer> recordedLastKeys = new ArrayList<>();
        List<List<int[]>> recordedRanges = new ArrayList<>();
        List<Long> recordedRows = new ArrayList<>();
        List<Long> runEnds = new ArrayList<>();
        for (int killAfter : KILL_AFTER_ROWS) {
            PgcdcProcess process = PgcdcProcess.start(capture);
            try {
                Conditions.await("a snapshot of " + killAfter + " rows recorded", () -> rowsDone(database) >= killAfter,
                        Duration.ofSeconds(60));
                process.kill();
            } finally {
                process.close();
            }
            // No prefix yet when the first range's chunk was still in flight while other workers' chunks were recorded.
            recordedLastKeys.add(Integer.parseInt(query(database,
                    "SELECT coalesce(last_key[1], '" + Integer.MIN_VALUE + "') FROM pgcdc.snapshot_progress WHERE table_name = 'big'")));
            recordedRows.add(rowsDone(database));
            recordedRanges.add(completedRanges(database));
            runEnds.add(Topics.size(kafka, topic));
            LogicalCapture.awaitSlotReleased(database, prefix);
        }
        String[] status = {"status", "--db", database.url(), "--user", database.user(), "--mode", "logical", "--slot", prefix};
        assertThat(CliRun.of(status).out()).contains("snapshot (logical:" + prefix + "): public.big in progress, ");
        JsonNode recorded = Json.parse(CliRun.of(status[0], "--format", "json", status[1], status[2], status[3], status[4], status[5],
                status[6], status[7], status[8]).out()).get("snapshots").get(0);
        assertThat(recorded.get("table").asText()).isEqualTo("public.big");
        assertThat(recorded.get("state").asText()).isEqualTo("in_progress");
        assertThat(recorded.get("rows_done").asLong()).isEqualTo(recordedRows.get(recordedRows.size() - 1));
        assertThat(recorded.get("later_ranges_done").asInt()).as("the completed ranges after the prefix")
                .isEqualTo(recordedRanges.get(recordedRanges.size() - 1).size());
        try (PgcdcProcess last = PgcdcProcess.start(capture)) {
            assertThat(last.awaitLine("Snapshot complete: 1 table(s), 20,000 row(s)", Duration.ofSeconds(60))).as(last.output()).isTrue();
            assertThat(last.output()).as("progress lines when output is not a terminal").contains("snapshot: ").doesNotContain("\u001b[");
            Conditions.await("the snapshot recorded as done", () -> "true".equals(query(database,
                    "SELECT done::text FROM pgcdc.snapshot_progress WHERE table_name = 'big'")), Duration.ofSeconds(30));
            last.terminate();
            assertThat(last.awaitExit(Duration.ofSeconds(60))).as(last.output()).isZero();
        }
        assertThat(CliRun.of(status).out()).contains("snapshot (logical:" + prefix + "): public.big done, 20,000 of about 20,000 row(s) (100%)");

        List<ConsumedChange> records = Topics.read(kafka, topic, (int) Topics.size(kafka, topic), Duration.ofSeconds(5));
        Map<Integer, String> replayed = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            JsonNode value = Json.parse(records.get(i).value());
            assertThat(value.get("op").asText()).isEqualTo("r");
            int id = value.get("after").get("id").asInt();
            for (int run = 0; run < runEnds.size(); run++) {
                if (i >= runEnds.get(run)) {
                    assertThat(id).as("run %d re-read key %d of a chunk recorded before", run + 2, id)
                            .isGreaterThan(recordedLastKeys.get(run));
                    for (int[] range : recordedRanges.get(run)) {
                        assertThat(id > range[0] && id <= range[1]).as("run %d re-read key %d of the recorded chunk (%d, %d]",
                                run + 2, id, range[0], range[1]).isFalse();
                    }
                }
            }
            replayed.put(id, value.get("after").toString());
        }
        assertThat(recordedRows).as("each kill came after some recorded chunks").allMatch(rows -> rows >= CHUNK_ROWS);
        assertThat(replayed).isEqualTo(TestServices.rowsById(database, "big"));
        System.out.printf("snapshot resume test: %d rows, %d snapshot events over %d kills; completed ranges after the prefix at each kill: %s%n",
                ROWS, records.size(), KILL_AFTER_ROWS.length, recordedRanges.stream().map(List::size).toList());
    }

    /** The completed chunks after the prefix, as (lo, hi] (an open end as the largest int). */
    private static List<int[]> completedRanges(DatabaseConfig database) {
        String json = query(database, "SELECT coalesce(later_chunks, '[]')::text FROM pgcdc.snapshot_progress WHERE table_name = 'big'");
        List<int[]> ranges = new ArrayList<>();
        for (JsonNode range : Json.parse(json)) {
            ranges.add(new int[] {range.get(0).get(0).asInt(),
                    range.get(1).isNull() ? Integer.MAX_VALUE : range.get(1).get(0).asInt()});
        }
        return ranges;
    }

    private static long rowsDone(DatabaseConfig database) {
        String rows = query(database, "SELECT coalesce(max(rows_done), 0)::text FROM pgcdc.snapshot_progress WHERE table_name = 'big'");
        return rows.isEmpty() ? 0 : Long.parseLong(rows);
    }

    private static String query(DatabaseConfig database, String sql) {
        try {
            return TestServices.query(database, sql);
        } catch (SQLException e) {
            return ""; // the progress table may not exist yet
        }
    }
}
