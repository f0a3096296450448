package dev.pgcdc.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.event.Json;
import dev.pgcdc.snapshot.ProgressReport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatusJsonTest {

    @Test
    void snapshotsAreObjectsWithTheirProgress() {
        List<ProgressReport.Table> tables = List.of(
                new ProgressReport.Table("logical:pgcdc", "public.big", 12_000, 20_000, false, List.of("4000"), 3, 2.5),
                new ProgressReport.Table("logical:pgcdc", "public.small", 10, 0, true, null, 0, 60));

        JsonNode snapshots = Json.parse(StatusJson.render(null, null, List.of(), false, null, List.of(), tables, List.of()))
                .get("snapshots");

        assertThat(snapshots).hasSize(2);
        JsonNode big = snapshots.get(0);
        assertThat(big.get("capture").asText()).isEqualTo("logical:pgcdc");
        assertThat(big.get("table").asText()).isEqualTo("public.big");
        assertThat(big.get("state").asText()).isEqualTo("in_progress");
        assertThat(big.get("rows_done").asLong()).isEqualTo(12_000);
        assertThat(big.get("rows_estimated").asLong()).isEqualTo(20_000);
        assertThat(big.get("percent").asLong()).isEqualTo(60);
        assertThat(big.get("last_key").toString()).isEqualTo("[\"4000\"]");
        assertThat(big.get("later_ranges_done").asInt()).isEqualTo(3);
        assertThat(big.get("seconds_since_recorded").asDouble()).isEqualTo(2.5);
        assertThat(big.get("rows_per_second").isNull()).isTrue();
        assertThat(big.get("eta_seconds").isNull()).isTrue();
        JsonNode small = snapshots.get(1);
        assertThat(small.get("state").asText()).isEqualTo("done");
        assertThat(small.get("percent").asLong()).isEqualTo(100);
        assertThat(small.get("last_key").isNull()).isTrue();
    }

    @Test
    void statusLinesSayTheLaterRangesOfAnUnfinishedTable() {
        assertThat(new ProgressReport.Table("logical:pgcdc", "public.big", 12_000, 20_000, false, List.of("4000"), 3, 2.4).line())
                .isEqualTo("snapshot (logical:pgcdc): public.big in progress, 12,000 of about 20,000 row(s) (60%)"
                        + " (and 3 later key range(s) done), recorded 2 s ago");
        assertThat(new ProgressReport.Table("logical:pgcdc", "public.big", 20_000, 20_000, true, null, 0, 1).line())
                .isEqualTo("snapshot (logical:pgcdc): public.big done, 20,000 of about 20,000 row(s) (100%), recorded 1 s ago");
        assertThat(ProgressReport.lines(List.of())).containsExactly("snapshot: none recorded");
    }
}
