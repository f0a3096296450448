package dev.pgcdc.snapshot;

import dev.pgcdc.event.ZonedTimestamps;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RowTimestampsTest {

    private static final Set<String> ZONED = Set.of("at", "many", "odd \"name");

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":1,\"at\":\"2026-01-01T00:00:01+00:00\",\"note\":\"2026-01-01T00:00:01+00:00\"}",
            "{\"id\":1,\"at\":\"2026-01-01T00:00:01.123456+00:00\"}",
            "{\"at\":\"0044-03-15T12:00:00+00:00 BC\",\"id\":2}",
            "{\"at\":\"12345-03-15T12:00:00+00:00\"}",
            "{\"at\":\"infinity\",\"id\":3}",
            "{\"at\":null,\"id\":3}",
            "{\"id\":4,\"at\":\"2026-01-01T00:00:01+00:00\",\"many\":[\"2026-01-01T00:00:01+00:00\",null]}",
            "{\"id\":5,\"doc\":{\"at\":\"2026-01-01T00:00:01+00:00\",\"x\":[1,{\"y\":\"}\"}]},\"at\":\"2026-01-01T00:00:01+00:00\"}",
            "{\"id\":6,\"doc\": {\"a\" : \"\\\"quoted, }\"} ,\"at\":\"2026-02-01T00:00:00+00:00\"}",
            "{\"odd \\\"name\":\"2026-01-01T00:00:01+00:00\",\"at\":\"2026-01-01T00:00:01+00:00\"}",
            "{\"id\":7,\"at\":\"2026-01-01T00:00:01+00:00\",\"comp\":{\"f1\":1,\"f2\":\"2026-01-01T00:00:01+00:00\"}}",
            "{}",
            "{\"text\":\"at\\\",\\\"at\\\":\\\"2026-01-01T00:00:01+00:00\"}"
    })
    void rewritesAsTheFullParseDoes(String row) {
        assertThat(RowTimestamps.inColumns(row, ZONED)).isEqualTo(ZonedTimestamps.inColumns(row, ZONED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-01T00:00:01+00:00", "2026-01-01T00:00:01.5+00:00", "2026-01-01T00:00:01.+00:00",
            "12026-01-01T00:00:01+00:00", "0044-03-15T12:00:00+00:00 BC", "0044-03-15T12:00:00.25+00:00 BC",
            "2026-01-01 00:00:01+00:00", "026-01-01T00:00:01+00:00", "2026-1-01T00:00:01+00:00", "2026-01-01T00:00:01+01:00",
            "2026-01-01T00:00:01", "infinity", "-infinity", "+00:00", " BC", "", "2026-01-01T00:00:01+00:00 BC x",
            "2026-01-01T00:00:01x+00:00", "2026-01-01T00:00:0+00:00", "2026-01-01T00:00:011+00:00"})
    void rewritesAValueAsTheRegularExpressionDoes(String value) {
        assertThat(RowTimestamps.fromUtc(value)).isEqualTo(ZonedTimestamps.fromUtc(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\":1,\"at\":\"2026-01-01T00:00:01+00:00\"}"})
    void writesUtcWithZ(String row) {
        assertThat(RowTimestamps.inColumns(row, ZONED)).isEqualTo("{\"id\":1,\"at\":\"2026-01-01T00:00:01Z\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\":1,\"name\":\"x\"}"})
    void returnsTheSameTextWhenNothingChanges(String row) {
        assertThat(RowTimestamps.inColumns(row, ZONED)).isSameAs(row);
    }
}
