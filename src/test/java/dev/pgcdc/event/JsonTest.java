package dev.pgcdc.event;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTest {

    @Test
    void readsTextValuesAndNumbersAsLargeAsPostgresHolds() {
        String text = "x".repeat(25_000_000);
        String digits = "9".repeat(131_072) + "." + "1".repeat(16_383);

        assertThat(Json.parse("{\"t\":\"" + text + "\"}").get("t").asText()).hasSize(text.length());
        assertThat(Json.write(Json.parse("{\"n\":" + digits + "}"))).isEqualTo("{\"n\":" + digits + "}");
    }
}
