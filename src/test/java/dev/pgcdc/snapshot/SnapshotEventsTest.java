package dev.pgcdc.snapshot;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.RowChange;
import dev.pgcdc.event.TableId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotEventsTest {

    private static final DebeziumEnvelope ENVELOPE = new DebeziumEnvelope("app", "shop", "1.0", true);
    private static final TableId TABLE = new TableId("public", "orders");
    /** A row whose text holds the marker's own text, in a string and in a json value. */
    private static final String ROW = "{\"id\":7,\"note\":\",\\\"snapshot\\\":\\\"true\\\",\\\"db\\\":\","
            + "\"doc\":{\"source\":{\"x\":1},\"snapshot\":\"true\",\"db\":\"shop\"}}";

    @ParameterizedTest
    @ValueSource(strings = {"first", "last", "true"})
    void marksTheEventAsTheEnvelopeWrites(String marker) {
        SnapshotEvents events = new SnapshotEvents(ENVELOPE, false, () -> 42L);
        ChangeEvent built = events.read(TABLE, List.of("id"), ROW, 17L);

        ChangeEvent marked = SnapshotEvents.marked(built, marker, null);

        RowChange read = new RowChange(RowChange.Op.READ, TABLE, null, ROW, List.of("id"), 0, 17L, null, List.of(), List.of(), null);
        assertThat(marked).isEqualTo(ENVELOPE.snapshotEvent(read, marker, 42L, null));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void buildsTheEventWithItsSnapshotsMarker(boolean incremental) {
        ChangeEvent built = new SnapshotEvents(ENVELOPE, incremental, () -> 42L).read(TABLE, List.of("id"), ROW, 17L);

        RowChange read = new RowChange(RowChange.Op.READ, TABLE, null, ROW, List.of("id"), 0, 17L, null, List.of(), List.of(), null);
        assertThat(built).isEqualTo(ENVELOPE.snapshotEvent(read, incremental ? "incremental" : "true", 42L, null));
        assertThat(built.key()).isEqualTo("{\"id\":7}");
    }
}
