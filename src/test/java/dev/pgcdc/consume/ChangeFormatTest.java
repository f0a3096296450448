package dev.pgcdc.consume;

import dev.pgcdc.config.ConsumeConfig;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeFormatTest {

    private static ConsumedChange change(String key, String value, Map<String, String> headers) {
        return new ConsumedChange("sales_channel", 0, 7, Instant.parse("2026-11-24T10:00:00Z"), key, value, headers);
    }

    @Test
    void prettyShowsColumnsInOrderWithExactNumbers() {
        String line = ChangeFormat.of(ConsumeConfig.Format.PRETTY).format(change("{\"id\":1}",
                "{\"id\":1,\"customer_name\":\"Ana\",\"amount\":10.50,\"tags\":[\"a\"],\"note\":null}", Map.of()));
        assertThat(line).isEqualTo("2026-11-24T10:00:00Z sales_channel/0@7 key={\"id\":1} "
                + "id=1 customer_name=Ana amount=10.50 tags=[\"a\"] note=null");
    }

    @Test
    void prettyShowsDeadLettersTombstonesAndNonObjects() {
        ChangeFormat pretty = ChangeFormat.of(ConsumeConfig.Format.PRETTY);
        assertThat(pretty.format(change(null, "oops", Map.of("pgcdc.error", "payload is not valid JSON: x"))))
                .endsWith("key=- [dead letter: payload is not valid JSON: x] oops");
        assertThat(pretty.format(change("{\"id\":1}", null, Map.of()))).endsWith("(tombstone)");
        assertThat(pretty.format(change(null, "[1,2]", Map.of()))).endsWith("key=- [1,2]");
    }

    @Test
    void jsonPrintsTheValueAsIsOnOneLine() {
        ChangeFormat json = ChangeFormat.of(ConsumeConfig.Format.JSON);
        assertThat(json.format(change(null, "{\"amount\":10.50}", Map.of()))).isEqualTo("{\"amount\":10.50}");
        assertThat(json.format(change(null, "{\n  \"amount\": 10.50\n}", Map.of()))).isEqualTo("{\"amount\":10.50}");
        assertThat(json.format(change(null, null, Map.of()))).isEqualTo("null");
    }

    private static final String UPDATE = "{\"before\":{\"id\":1,\"qty\":2,\"name\":\"a\"},\"after\":{\"id\":1,\"qty\":3,\"name\":\"a\"},"
            + "\"source\":{\"schema\":\"public\",\"table\":\"sales\"},\"op\":\"u\"}";
    private static final String INSERT = "{\"before\":null,\"after\":{\"id\":2,\"qty\":5},"
            + "\"source\":{\"schema\":\"public\",\"table\":\"sales\"},\"op\":\"c\"}";

    @Test
    void tableAlignsTimeOperationTableKeyAndTheChangeUnderAHeader() {
        ChangeFormat table = ChangeFormat.of(ConsumeConfig.Format.TABLE, false);
        assertThat(table.header()).isEqualTo("TIME (UTC)    OP        TABLE                     KEY                   CHANGE");
        assertThat(table.format(change("{\"id\":1}", UPDATE, Map.of())))
                .isEqualTo("10:00:00.000  UPDATE    public.sales              {\"id\":1}              qty: 2 -> 3");
        assertThat(table.format(change("{\"id\":2}", INSERT, Map.of())))
                .isEqualTo("10:00:00.000  INSERT    public.sales              {\"id\":2}              id=2  qty=5");
        assertThat(table.format(change("{\"id\":\"" + "x".repeat(40) + "\"}", null, Map.of())))
                .isEqualTo("10:00:00.000  -         sales_channel             {\"id\":\"xxxxxxxxxxxx…  (tombstone)");
    }

    @Test
    void colorsMarkTheOperationAndTheNewValueOnlyWhenAsked() {
        String colored = ChangeFormat.of(ConsumeConfig.Format.PRETTY, true).format(change("{\"id\":1}", UPDATE, Map.of()));
        assertThat(colored).contains("\u001b[33mUPDATE\u001b[0m public.sales qty: 2 -> \u001b[1m3\u001b[0m");
        String plain = ChangeFormat.of(ConsumeConfig.Format.PRETTY, false).format(change("{\"id\":1}", UPDATE, Map.of()));
        assertThat(plain).doesNotContain("\u001b").endsWith("key={\"id\":1} UPDATE public.sales qty: 2 -> 3");
    }

    @Test
    void filtersKeepOnlyTheNamedTablesAndOperations() {
        ConsumedChange update = change("{\"id\":1}", UPDATE, Map.of());
        ConsumedChange insert = change("{\"id\":2}", INSERT, Map.of());
        ConsumedChange tombstone = new ConsumedChange("app.public.sales", 0, 9, Instant.parse("2026-11-24T10:00:00Z"), "{\"id\":1}", null, Map.of());
        ChangeFilter updates = new ChangeFilter(java.util.Set.of(), java.util.Set.of("u"));
        assertThat(updates.accepts(update)).isTrue();
        assertThat(updates.accepts(insert)).isFalse();
        assertThat(updates.accepts(tombstone)).isFalse();
        ChangeFilter sales = new ChangeFilter(java.util.Set.of("sales"), java.util.Set.of());
        assertThat(sales.accepts(insert)).isTrue();
        assertThat(sales.accepts(tombstone)).isTrue();
        assertThat(new ChangeFilter(java.util.Set.of("public.orders"), java.util.Set.of()).accepts(insert)).isFalse();
        assertThat(new ChangeFilter(java.util.Set.of("public.sales"), java.util.Set.of("d")).accepts(tombstone)).isTrue();
        assertThat(updates.accepts(change(null, "{\"id\":3}", Map.of()))).as("not a change event").isFalse();
    }
}
