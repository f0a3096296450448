package dev.pgcdc.event;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RowKeysTest {

    static Stream<Arguments> rowsAndKeys() {
        return Stream.of(
                Arguments.of("{\"id\":1,\"name\":\"a\"}", List.of("id"), "{\"id\":1}"),
                Arguments.of("{\"id\":-42,\"name\":\"a\"}", List.of("id"), "{\"id\":-42}"),
                Arguments.of("{\"id\":0}", List.of("id"), "{\"id\":0}"),
                Arguments.of("{\"id\":123456789012345678901234567890}", List.of("id"), "{\"id\":123456789012345678901234567890}"),
                Arguments.of("{\"a\":\"x\",\"b\":2,\"c\":3}", List.of("c", "a"), "{\"c\":3,\"a\":\"x\"}"),
                Arguments.of("{\"code\":\"åß € 😀 /\"}", List.of("code"), "{\"code\":\"åß € 😀 /\"}"),
                Arguments.of("{\"flag\":true,\"other\":false,\"gone\":null}", List.of("flag", "other", "gone"),
                        "{\"flag\":true,\"other\":false,\"gone\":null}"),
                Arguments.of(" { \"id\" : 7 , \"doc\" : {\"id\": [1, {\"x\": \"}\"}]} } ", List.of("id"), "{\"id\":7}"),
                Arguments.of("{\"doc\":{\"id\":9},\"id\":\"k\"}", List.of("id"), "{\"id\":\"k\"}"),
                Arguments.of("{\"name\":\"a\"}", List.of("id"), null),
                Arguments.of("{}", List.of("id"), null),
                Arguments.of("{\"id\":1}", List.of(), null),
                // What Jackson writes differently from the row's text: the tree decides.
                Arguments.of("{\"id\":\"a\\\"b\\u00e9\\n\"}", List.of("id"), "{\"id\":\"a\\\"bé\\n\"}"),
                Arguments.of("{\"id\":-0}", List.of("id"), "{\"id\":0}"),
                Arguments.of("{\"id\":10.50}", List.of("id"), "{\"id\":10.50}"),
                Arguments.of("{\"id\":1e5}", List.of("id"), "{\"id\":1E+5}"),
                Arguments.of("{\"id\":0.0000001}", List.of("id"), "{\"id\":1E-7}"),
                Arguments.of("{\"id\":{\"a\": [1, 2]}}", List.of("id"), "{\"id\":{\"a\":[1,2]}}"),
                Arguments.of("{\"i\\u0064\":5}", List.of("id"), "{\"id\":5}"),
                Arguments.of("{\"a\\\"b\":5}", List.of("a\"b"), "{\"a\\\"b\":5}"));
    }

    @ParameterizedTest
    @MethodSource("rowsAndKeys")
    void keyIsWhatJacksonWritesForTheParsedRow(String row, List<String> keyColumns, String expected) {
        assertThat(RowKeys.of(row, keyColumns)).isEqualTo(expected);
        if (!keyColumns.isEmpty()) {
            assertThat(RowKeys.of(row, keyColumns)).isEqualTo(RowKeys.fromTree(row, keyColumns));
        }
    }
}
