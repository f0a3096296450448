package dev.pgcdc.event;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectJsonTest {

    private static final List<ColumnType> COLUMNS = List.of(
            new ColumnType("id", ColumnType.Kind.INT64, null, false),
            new ColumnType("price", ColumnType.Kind.DECIMAL, null, true),
            new ColumnType("ratio", ColumnType.Kind.FLOAT64, null, true),
            new ColumnType("doc", ColumnType.Kind.JSON, null, true),
            new ColumnType("prices", ColumnType.Kind.ARRAY, ColumnType.Kind.DECIMAL, true));

    @Test
    void deleteCarriesItsBeforeRowAndNullAfterWithNumericsAsExactStrings() {
        String envelope = "{\"before\":{\"id\":7,\"price\":10.50,\"ratio\":\"NaN\",\"doc\":{\"a\": [1.50]},\"prices\":[1.10,null]},"
                + "\"after\":null,\"source\":{\"version\":\"t\",\"connector\":\"pgcdc\",\"name\":\"p\",\"ts_ms\":1,\"snapshot\":\"false\","
                + "\"db\":\"d\",\"sequence\":\"[\\\"1\\\",\\\"2\\\"]\",\"schema\":\"public\",\"table\":\"t\",\"txId\":5},\"op\":\"d\",\"ts_ms\":2}";

        Struct value = (Struct) read(ConnectJson.value(envelope, "p.public.t", COLUMNS), false);

        assertThat(value.schema().name()).isEqualTo("p.public.t.Envelope");
        assertThat(value.getString("op")).isEqualTo("d");
        assertThat(value.get("after")).isNull();
        Struct before = value.getStruct("before");
        assertThat(before.getInt64("id")).isEqualTo(7L);
        assertThat(before.getString("price")).isEqualTo("10.50");
        assertThat(before.get("ratio")).as("NaN has no JSON number form").isNull();
        assertThat(before.getString("doc")).isEqualTo("{\"a\":[1.50]}");
        assertThat(before.schema().field("doc").schema().name()).isEqualTo("io.debezium.data.Json");
        assertThat(before.getArray("prices")).containsExactly("1.10", null);
        assertThat(value.getStruct("source").getInt64("txId")).isEqualTo(5L);
        assertThat(value.getStruct("source").get("lsn")).isNull();
    }

    @Test
    void keyIsAStructOfTheKeyColumns() {
        Struct key = (Struct) read(ConnectJson.key("{\"id\":7}", "p.public.t", COLUMNS.subList(0, 1)), true);
        assertThat(key.schema().name()).isEqualTo("p.public.t.Key");
        assertThat(key.getInt64("id")).isEqualTo(7L);
    }

    private static Object read(String json, boolean isKey) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), isKey);
        return converter.toConnectData("p.public.t", json.getBytes(StandardCharsets.UTF_8)).value();
    }
}
