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
}
