package dev.pgcdc.snapshot;

import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.Position;
import dev.pgcdc.event.TableId;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoredPositionTest {

    private record Lsn(String text) implements Position {
        @Override
        public String toString() {
            return text;
        }
    }

    @Test
    void snapshotProgressAndStreamPositionSurviveTheOffsetsTopic() {
        Map<TableId, TableProgress> progress = new LinkedHashMap<>();
        progress.put(new TableId("public", "orders"), new TableProgress(List.of(new KeyRange(null, List.of("42", "a\"b")),
                new KeyRange(List.of("50", "x"), List.of("60", "y"))), 52));
        progress.put(new TableId("sales", "empty"), new TableProgress(List.of(KeyRange.WHOLE), 0));
        progress.put(new TableId("public", "later"), TableProgress.NOT_STARTED);

        StoredPosition read = StoredPosition.parse(new SnapshotPosition(new Lsn("0/16B3748"), progress).toString());

        assertThat(read.stream()).isEqualTo("0/16B3748");
        assertThat(read.progress()).containsExactlyEntriesOf(progress);
    }

    @Test
    void positionBeforeAnyStreamedChangeHasNoStreamPart() {
        StoredPosition read = StoredPosition.parse(new SnapshotPosition(null, Map.of()).toString());

        assertThat(read.stream()).isNull();
        assertThat(read.progress()).isEmpty();
    }

    @Test
    void plainStreamPositionWrittenBeforeSnapshotsWereCoveredReadsWithoutProgress() {
        assertThat(StoredPosition.parse("0/16B3748")).isEqualTo(new StoredPosition("0/16B3748", null));
        assertThat(StoredPosition.parse(null)).isEqualTo(new StoredPosition(null, null));
    }

    @Test
    void damagedRecordIsRefusedWithOneLine() {
        assertThatThrownBy(() -> StoredPosition.parse("{\"stream\":\"0/1\"}"))
                .isInstanceOf(CdcException.class).hasMessageContaining("not one pgcdc wrote");
    }
}
