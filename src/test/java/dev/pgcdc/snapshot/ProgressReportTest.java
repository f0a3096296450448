package dev.pgcdc.snapshot;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressReportTest {

    @Test
    void aSnapshotTheCaptureDoesNotRunSaysWhyInsteadOfInProgress() {
        ProgressReport.Table planned = new ProgressReport.Table("logical:pgcdc", "public.big", 0, 40_000, false, null, 0, 3,
                "capture runs with --snapshot no_data");
        ProgressReport.Table stopped = new ProgressReport.Table("logical:pgcdc", "public.big", 12_000, 40_000, false, List.of("12000"), 0, 3,
                "capture runs with --snapshot no_data");

        assertThat(planned.state()).isEqualTo("not_running");
        assertThat(planned.line()).isEqualTo("snapshot (logical:pgcdc): public.big not started: capture runs with --snapshot no_data, recorded 3 s ago");
        assertThat(stopped.line()).isEqualTo("snapshot (logical:pgcdc): public.big stopped at 12,000 of about 40,000 row(s) (30%):"
                + " capture runs with --snapshot no_data, recorded 3 s ago");
    }

    @Test
    void aDoneSnapshotIsDoneWhateverTheLastStartSaid() {
        ProgressReport.Table done = new ProgressReport.Table("logical:pgcdc", "public.big", 40_000, 40_000, true, null, 0, 3,
                "capture runs with --snapshot no_data");

        assertThat(done.state()).isEqualTo("done");
    }
}
