package dev.pgcdc.observe.web;

import dev.pgcdc.event.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LiveChangeTest {

    private static final String SOURCE = "\"source\":{\"schema\":\"public\",\"table\":\"orders\",\"ts_ms\":1000}";

    @Test
    void updateMarksTheColumnsWhoseValueChangedWithTheirOldValue() {
        LiveChange change = LiveChange.of(new Seen("app.public.orders", "{\"id\":7}",
                "{\"before\":{\"id\":7,\"status\":\"new\",\"qty\":2},\"after\":{\"id\":7,\"status\":\"paid\",\"qty\":2},"
                        + SOURCE + ",\"op\":\"u\",\"ts_ms\":1010}", 1000, 1250));

        assertThat(change.table()).isEqualTo("public.orders");
        assertThat(change.op()).isEqualTo("u");
        assertThat(change.key()).isEqualTo("{\"id\":7}");
        assertThat(change.lagMillis()).isEqualTo(250);
        assertThat(change.columns()).containsExactly(new LiveChange.Column("id", "7", null),
                new LiveChange.Column("status", "paid", "new"), new LiveChange.Column("qty", "2", null));
    }

    @Test
    void updateWithoutTheOldRowMarksNothing() {
        LiveChange change = LiveChange.of(new Seen("t", null,
                "{\"before\":null,\"after\":{\"id\":1,\"name\":\"x\"}," + SOURCE + ",\"op\":\"u\"}", 1000, 1000));
        assertThat(change.columns()).noneMatch(LiveChange.Column::changed).hasSize(2);
    }

    @Test
    void insertShowsTheNewRowAndDeleteTheOldOne() {
        LiveChange insert = LiveChange.of(new Seen("t", null, "{\"before\":null,\"after\":{\"id\":1,\"doc\":{\"a\":[1,2]}},"
                + SOURCE + ",\"op\":\"c\"}", 1000, 1001));
        assertThat(insert.columns()).containsExactly(new LiveChange.Column("id", "1", null), new LiveChange.Column("doc", "{\"a\":[1,2]}", null));
        LiveChange delete = LiveChange.of(new Seen("t", null, "{\"before\":{\"id\":1},\"after\":null," + SOURCE + ",\"op\":\"d\"}", 1000, 1001));
        assertThat(delete.op()).isEqualTo("d");
        assertThat(delete.columns()).containsExactly(new LiveChange.Column("id", "1", null));
    }

    @Test
    void tombstonesAndOtherValuesAreShownByTopic() {
        assertThat(LiveChange.of(new Seen("app.public.t", "{\"id\":1}", null, -1, 5))).satisfies(change -> {
            assertThat(change.op()).isEqualTo("tombstone");
            assertThat(change.table()).isEqualTo("app.public.t");
            assertThat(change.lagMillis()).isEqualTo(-1);
        });
        assertThat(LiveChange.of(new Seen("app.tx", null, "not json", -1, 5)).op()).isEqualTo("other");
    }

    @Test
    void longValuesAreCutForThePage() {
        String big = "x".repeat(1_000);
        LiveChange change = LiveChange.of(new Seen("t", null, "{\"before\":null,\"after\":{\"v\":\"" + big + "\"}," + SOURCE
                + ",\"op\":\"c\"}", 1000, 1000));
        assertThat(change.columns().get(0).value()).hasSize(LiveChange.MAX_SHOWN).endsWith("…");
    }

    @Test
    void jsonCarriesOldOnlyForChangedColumns() {
        LiveChange change = new LiveChange(5, 2, "t", "public.t", "u", "{\"id\":1}",
                List.of(new LiveChange.Column("id", "1", null), new LiveChange.Column("name", "b", "a")));
        assertThat(Json.parse(change.toJson())).isEqualTo(Json.parse("{\"seen\":5,\"lag\":2,\"topic\":\"t\",\"table\":\"public.t\","
                + "\"op\":\"u\",\"key\":\"{\\\"id\\\":1}\",\"columns\":[{\"name\":\"id\",\"value\":\"1\"},"
                + "{\"name\":\"name\",\"value\":\"b\",\"old\":\"a\"}]}"));
    }
}
