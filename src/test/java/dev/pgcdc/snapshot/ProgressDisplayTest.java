package dev.pgcdc.snapshot;

import dev.pgcdc.event.TableId;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressDisplayTest {

    private static final TableId BIG = new TableId("public", "big");
    private static final TableId SMALL = new TableId("public", "small");

    private static SnapshotStatus status() {
        return new SnapshotStatus(Map.of(BIG, TableProgress.NOT_STARTED, SMALL, TableProgress.NOT_STARTED),
                Map.of(BIG, 10_000L, SMALL, 0L));
    }

    @Test
    void totalLineShowsRowsOfEstimateRateEtaAndTablesDone() {
        SnapshotStatus status = status();
        status.chunkEmitted(BIG, 4_000, false);
        status.chunkEmitted(SMALL, 1_000, true);

        assertThat(ProgressDisplay.totalLine(status))
                .startsWith("snapshot: 5,000 / 11,000 rows (45%), ")
                .contains(" rows/s, ETA ")
                .endsWith(", 1/2 table(s) done");
    }

    @Test
    void terminalShowsOneLinePerTableAndTheTotal() {
        SnapshotStatus status = status();
        status.chunkEmitted(BIG, 2_500, false);

        assertThat(ProgressDisplay.tableLines(status)).hasSize(3)
                .anySatisfy(line -> assertThat(line).contains("public.big").contains("2,500 / 10,000").endsWith("25%"))
                .last().satisfies(line -> assertThat(line).startsWith("snapshot: "));
    }

    @Test
    void terminalRedrawsInPlaceAndEndsWithASummaryLine() {
        SnapshotStatus status = status();
        status.chunkEmitted(BIG, 10_000, true);
        status.chunkEmitted(SMALL, 3, true);
        StringWriter text = new StringWriter();

        ProgressDisplay.start(status, new PrintWriter(text), true).close();

        assertThat(text.toString()).contains("\u001b[2K  public.big").contains("done")
                .containsPattern("Snapshot complete: 2 table\\(s\\), 10,003 row\\(s\\) in [0-9.]+ s \\([0-9,]+ rows/s\\)\\n$");
    }

    @Test
    void withoutTerminalPrintsPlainLinesOnly() {
        SnapshotStatus status = status();
        status.chunkEmitted(BIG, 10_000, true);
        status.chunkEmitted(SMALL, 0, true);
        StringWriter text = new StringWriter();

        ProgressDisplay.start(status, new PrintWriter(text), false).close();

        assertThat(text.toString()).doesNotContain("\u001b").startsWith("snapshot: 10,000 / 10,000 rows (100%)")
                .contains("Snapshot complete: 2 table(s), 10,000 row(s)");
    }
}
