package dev.pgcdc.snapshot;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot plan recorded by one start, then a start with {@code --snapshot no_data}: {@code status} says the
 * snapshot does not run and why, instead of "in progress" forever; a later start that runs it clears that.
 */
class SnapshotNotRunningIT {

    @Test
    void statusSaysAPlannedSnapshotDoesNotRunWhileCaptureStartsWithNoData() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("notrun");
        TestServices.execute(database, """
                CREATE TABLE items (id int PRIMARY KEY, note text);
                INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 10) g;
                CREATE PUBLICATION %s FOR TABLE items""".formatted(prefix));
        LogicalCaptureConfig config = LogicalCapture.config(prefix, prefix);
        // Records the plan and creates the slot; closed before any chunk is confirmed.
        Snapshots.logical(database, config, new SnapshotConfig(SnapshotMode.INITIAL, 5, 1)).close();
        LogicalCapture.awaitSlotReleased(database, prefix);
        assertThat(ProgressReport.tables(database)).singleElement().satisfies(table -> assertThat(table.state()).isEqualTo("in_progress"));

        Snapshots.logical(database, config, new SnapshotConfig(SnapshotMode.NO_DATA, 5, 1)).close();
        LogicalCapture.awaitSlotReleased(database, prefix);

        List<ProgressReport.Table> tables = ProgressReport.tables(database);
        assertThat(tables).singleElement().satisfies(table -> {
            assertThat(table.state()).isEqualTo("not_running");
            assertThat(table.line()).startsWith("snapshot (logical:" + prefix + "): public.items not started: capture runs with --snapshot no_data, recorded ");
        });

        Snapshots.logical(database, config, new SnapshotConfig(SnapshotMode.INITIAL, 5, 1)).close();
        LogicalCapture.awaitSlotReleased(database, prefix);
        assertThat(ProgressReport.tables(database)).singleElement().satisfies(table -> assertThat(table.state()).isEqualTo("in_progress"));
    }
}
