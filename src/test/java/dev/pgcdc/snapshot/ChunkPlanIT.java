package dev.pgcdc.snapshot;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.event.TableId;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chunk plan splits a table into key ranges of the chunk size with keyset queries and, when resuming,
 * hands out only the gaps between the ranges recorded as completed, whatever order they were recorded in.
 */
class ChunkPlanIT {

    private static KeyRange range(String lo, String hi) {
        return new KeyRange(lo == null ? null : List.of(lo), hi == null ? null : List.of(hi));
    }

    @Test
    void aResumedPlanHandsOutOnlyTheRangesNotRecordedAsCompleted() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TABLE planned (id int PRIMARY KEY); INSERT INTO planned SELECT generate_series(1, 100)");
        TableId table = new TableId("public", "planned");
        TableProgress recorded = TableProgress.NOT_STARTED
                .with(range("90", null), 10).with(range(null, "20"), 20).with(range("50", "70"), 20);

        List<KeyRange> handedOut = handOut(database, new ChunkPlan(List.of(table), Map.of(table, recorded), null, 10));

        assertThat(handedOut).containsExactly(range("20", "30"), range("30", "40"), range("40", "50"), range("70", "80"),
                range("80", "90"));
    }

    @Test
    void aCompositeKeyIsSplitByRowValueComparison() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, """
                CREATE TABLE pairs (a int, b text, PRIMARY KEY (a, b));
                INSERT INTO pairs SELECT g / 4, 'k' || (g % 4) FROM generate_series(0, 11) g""");
        TableId table = new TableId("public", "pairs");

        List<KeyRange> handedOut = handOut(database, new ChunkPlan(List.of(table), Map.of(), null, 5));

        assertThat(handedOut).containsExactly(new KeyRange(null, List.of("1", "k0")), new KeyRange(List.of("1", "k0"), List.of("2", "k1")),
                new KeyRange(List.of("2", "k1"), null));
    }

    @Test
    void aFinishedTableAndAnEmptyOneNeedNoReadsBeyondOneEmptyRange() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TABLE done (id int PRIMARY KEY); CREATE TABLE nothing (id int PRIMARY KEY)");
        TableId done = new TableId("public", "done");
        TableId nothing = new TableId("public", "nothing");
        TableProgress finished = TableProgress.NOT_STARTED.with(KeyRange.WHOLE, 0);

        List<KeyRange> handedOut = handOut(database, new ChunkPlan(List.of(done, nothing), Map.of(done, finished), null, 10));

        assertThat(handedOut).containsExactly(KeyRange.WHOLE);
    }

    private static List<KeyRange> handOut(DatabaseConfig database, ChunkPlan plan) throws Exception {
        List<KeyRange> ranges = new ArrayList<>();
        try (Connection connection = TestServices.connect(database)) {
            for (ChunkPlan.Task task = plan.next(connection); task != null; task = plan.next(connection)) {
                ranges.add(task.range());
            }
        }
        return ranges;
    }
}
