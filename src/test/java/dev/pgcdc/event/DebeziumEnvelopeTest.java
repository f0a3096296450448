package dev.pgcdc.event;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DebeziumEnvelopeTest {

    private static final TableId SALES = new TableId("public", "sales");
    private final DebeziumEnvelope envelope = new DebeziumEnvelope("pgcdc", "shop", "1.2.3", true);

    private static RowChange change(RowChange.Op op, String before, String after, List<String> keys) {
        return new RowChange(op, SALES, before, after, keys, 77, 1_700_000_000_000L, null, List.of("77", "5"), List.of(), null);
    }

    @Test
    void namesNeedingEscapesAreWrittenAsJacksonWritesThem() throws Exception {
        String schema = "we\"ird\\s\tc\u0001h\u001fé😀";
        String table = "t\nb\u0008l\r\f/";
        DebeziumEnvelope odd = new DebeziumEnvelope("pre\"fix", "d\u0002b", "v\\1", false);
        RowChange change = new RowChange(RowChange.Op.CREATE, new TableId(schema, table), null, "{\"id\":1}", List.of("id"), 1, 2,
                3L, List.of("1\"", "2"), List.of("c\"ol"), new RowChange.Transaction("1:\u0003", 1, 1));

        String value = odd.events(change, 4, null, List.of()).get(0).value();

        var mapper = Json.mapper();
        assertThat(value).isEqualTo("{\"before\":null,\"after\":{\"id\":1},\"source\":{\"version\":" + mapper.writeValueAsString("v\\1")
                + ",\"connector\":\"pgcdc\",\"name\":" + mapper.writeValueAsString("pre\"fix") + ",\"ts_ms\":2,\"snapshot\":\"false\",\"db\":"
                + mapper.writeValueAsString("d\u0002b") + ",\"sequence\":" + mapper.writeValueAsString(mapper.writeValueAsString(List.of("1\"", "2")))
                + ",\"schema\":" + mapper.writeValueAsString(schema) + ",\"table\":" + mapper.writeValueAsString(table)
                + ",\"txId\":1,\"lsn\":3},\"op\":\"c\",\"transaction\":{\"id\":" + mapper.writeValueAsString("1:\u0003")
                + ",\"total_order\":1,\"data_collection_order\":1},\"unavailable_columns\":[" + mapper.writeValueAsString("c\"ol")
                + "],\"ts_ms\":4}");
        assertThat(Json.parse(value).get("source").get("table").asText()).isEqualTo(table);
    }

    @Test
    void embedsRowImagesVerbatimAndWritesTheSourceBlock() {
        String after = "{\"id\":1,\"amount\":12345678901234567890.10,\"doc\":{\"b\":1, \"a\":[1.50]}}";
        ChangeEvent event = envelope.events(change(RowChange.Op.CREATE, null, after, List.of("id")), 42, null, List.of()).get(0);

        assertThat(event.topic()).isEqualTo("pgcdc.public.sales");
        assertThat(event.key()).isEqualTo("{\"id\":1}");
        assertThat(event.value()).isEqualTo("{\"before\":null,\"after\":" + after + ",\"source\":{\"version\":\"1.2.3\","
                + "\"connector\":\"pgcdc\",\"name\":\"pgcdc\",\"ts_ms\":1700000000000,\"snapshot\":\"false\",\"db\":\"shop\","
                + "\"sequence\":\"[\\\"77\\\",\\\"5\\\"]\",\"schema\":\"public\",\"table\":\"sales\",\"txId\":77},"
                + "\"op\":\"c\",\"ts_ms\":42}");
    }

    @Test
    void deleteIsKeyedByItsOldRowAndFollowedByATombstone() {
        List<ChangeEvent> events = envelope.events(
                change(RowChange.Op.DELETE, "{\"a\":\"x\",\"b\":2,\"c\":3}", null, List.of("b", "a")), 1, null, List.of());
        assertThat(events).hasSize(2);
        assertThat(events.get(0).key()).isEqualTo("{\"b\":2,\"a\":\"x\"}");
        JsonNode value = Json.parse(events.get(0).value());
        assertThat(value.get("op").asText()).isEqualTo("d");
        assertThat(value.get("after").isNull()).isTrue();
        assertThat(events.get(1).key()).isEqualTo(events.get(0).key());
        assertThat(events.get(1).value()).isNull();
    }

    @Test
    void keyChangingUpdateIsDeleteOfOldKeyTombstoneThenCreateOfNewKeyWithDebeziumHeaders() {
        Position position = new Position() { };
        List<Header> headers = List.of(new Header("origin", "x"));
        List<ChangeEvent> events = envelope.events(change(RowChange.Op.UPDATE, "{\"id\":500,\"amount\":1}",
                "{\"id\":501,\"amount\":1}", List.of("id")), 9, position, headers);

        assertThat(events).extracting(ChangeEvent::key).containsExactly("{\"id\":500}", "{\"id\":500}", "{\"id\":501}");
        JsonNode delete = Json.parse(events.get(0).value());
        assertThat(delete.get("op").asText()).isEqualTo("d");
        assertThat(Json.write(delete.get("before"))).isEqualTo("{\"id\":500,\"amount\":1}");
        assertThat(delete.get("after").isNull()).isTrue();
        assertThat(events.get(1).value()).as("tombstone").isNull();
        JsonNode create = Json.parse(events.get(2).value());
        assertThat(create.get("op").asText()).isEqualTo("c");
        assertThat(create.get("before").isNull()).isTrue();
        assertThat(Json.write(create.get("after"))).isEqualTo("{\"id\":501,\"amount\":1}");

        assertThat(events.get(0).header("__debezium.newkey")).isEqualTo("{\"id\":501}");
        assertThat(events.get(1).header("__debezium.newkey")).isEqualTo("{\"id\":501}");
        assertThat(events.get(2).header("__debezium.oldkey")).isEqualTo("{\"id\":500}");
        assertThat(events).allSatisfy(event -> assertThat(event.header("origin")).isEqualTo("x"));
        assertThat(events).extracting(ChangeEvent::position).as("only the last event confirms the change")
                .containsExactly(null, null, position);
    }

    @Test
    void keyOnlyOldImageAndUnchangedKeyKeepASingleUpdate() {
        List<ChangeEvent> keyOnly = envelope.events(change(RowChange.Op.UPDATE, "{\"id\":1}", "{\"id\":2,\"amount\":3}",
                List.of("id")), 1, null, List.of());
        assertThat(keyOnly).extracting(ChangeEvent::key).containsExactly("{\"id\":1}", "{\"id\":1}", "{\"id\":2}");

        List<ChangeEvent> sameKey = envelope.events(change(RowChange.Op.UPDATE, "{\"id\":1,\"amount\":1}",
                "{\"id\":1,\"amount\":2}", List.of("id")), 1, null, List.of());
        assertThat(sameKey).singleElement().satisfies(event -> {
            assertThat(Json.parse(event.value()).get("op").asText()).isEqualTo("u");
            assertThat(event.headers()).isEmpty();
        });
        DebeziumEnvelope quiet = new DebeziumEnvelope("p", "db", "v", false);
        assertThat(quiet.events(change(RowChange.Op.UPDATE, "{\"id\":1}", "{\"id\":2}", List.of("id")), 1, null, List.of()))
                .extracting(ChangeEvent::key).containsExactly("{\"id\":1}", "{\"id\":2}");
    }

    @Test
    void deleteConfirmsItsPositionOnlyWithItsTombstone() {
        Position position = new Position() { };
        List<ChangeEvent> events = envelope.events(change(RowChange.Op.DELETE, "{\"id\":1}", null, List.of("id")), 1, position, List.of());
        assertThat(events).extracting(ChangeEvent::position).containsExactly(null, position);
    }

    @Test
    void tombstonesCanBeTurnedOffAndKeylessTablesGetNoTombstone() {
        DebeziumEnvelope quiet = new DebeziumEnvelope("p", "db", "v", false);
        assertThat(quiet.events(change(RowChange.Op.DELETE, "{\"id\":1}", null, List.of("id")), 1, null, List.of())).hasSize(1);
        List<ChangeEvent> keyless = envelope.events(change(RowChange.Op.DELETE, "{\"id\":1}", null, List.of()), 1, null, List.of());
        assertThat(keyless).singleElement().satisfies(e -> assertThat(e.key()).isNull());
    }

    @Test
    void truncateHasNoKeyAndNoImages() {
        ChangeEvent event = envelope.events(change(RowChange.Op.TRUNCATE, null, null, List.of()), 1, null, List.of()).get(0);
        assertThat(event.key()).isNull();
        JsonNode value = Json.parse(event.value());
        assertThat(value.get("op").asText()).isEqualTo("t");
        assertThat(value.get("before").isNull()).isTrue();
    }

    @Test
    void lsnIsWrittenWhenKnownAndImagesAreRequired() {
        RowChange withLsn = new RowChange(RowChange.Op.CREATE, SALES, null, "{\"id\":1}", List.of("id"), 1, 1, 23_000_000L, List.of(), List.of(), null);
        assertThat(Json.parse(envelope.events(withLsn, 1, null, List.of()).get(0).value()).get("source").get("lsn").asLong())
                .isEqualTo(23_000_000L);
        assertThatThrownBy(() -> change(RowChange.Op.CREATE, null, null, List.of())).hasMessageContaining("needs its row image");
    }

    @Test
    void transactionEventsFollowDebeziumsFormat() {
        ChangeEvent begin = envelope.transactionBegin("571:53195832", 5, null);
        assertThat(begin.topic()).isEqualTo("pgcdc.transaction");
        assertThat(begin.key()).isEqualTo("{\"id\":\"571:53195832\"}");
        assertThat(begin.value()).isEqualTo("{\"status\":\"BEGIN\",\"id\":\"571:53195832\",\"event_count\":null,"
                + "\"data_collections\":null,\"ts_ms\":5}");
        Map<TableId, Long> counts = new LinkedHashMap<>();
        counts.put(SALES, 2L);
        counts.put(new TableId("shop", "orders"), 1L);
        assertThat(envelope.transactionEnd("571:53195832", 6, counts, null).value()).isEqualTo("{\"status\":\"END\","
                + "\"id\":\"571:53195832\",\"event_count\":3,\"data_collections\":[{\"data_collection\":\"public.sales\","
                + "\"event_count\":2},{\"data_collection\":\"shop.orders\",\"event_count\":1}],\"ts_ms\":6}");
        RowChange inTransaction = new RowChange(RowChange.Op.CREATE, SALES, null, "{\"id\":1}", List.of("id"), 1, 1, null,
                List.of(), List.of(), new RowChange.Transaction("571:53195832", 3, 2));
        assertThat(envelope.events(inTransaction, 1, null, List.of()).get(0).value())
                .contains("\"transaction\":{\"id\":\"571:53195832\",\"total_order\":3,\"data_collection_order\":2}");
    }

    @Test
    void tableNamesParseWithPublicAsDefaultSchema() {
        assertThat(TableId.parse("sales")).isEqualTo(SALES);
        assertThat(TableId.parse("shop.Orders")).isEqualTo(new TableId("shop", "Orders"));
        assertThat(new TableId("we\"ird", "t").quoted()).isEqualTo("\"we\"\"ird\".\"t\"");
    }
}
