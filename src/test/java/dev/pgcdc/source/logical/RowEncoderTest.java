package dev.pgcdc.source.logical;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Text outputs as PostgreSQL writes them, and what row_to_json makes of the same values. */
class RowEncoderTest {

    /** pg_type as far as these tests go: the arrays of int4, text, bool, timestamptz and box, and their elements. */
    static final TypeResolver.Catalog BUILT_IN_ARRAYS = new TypeResolver.Catalog() {
        private final Map<Integer, TypeResolver.TypeRow> rows = Map.of(
                1007, new TypeResolver.TypeRow('b', 'A', 23, ',', 0, 0),
                1009, new TypeResolver.TypeRow('b', 'A', 25, ',', 0, 0),
                1000, new TypeResolver.TypeRow('b', 'A', 16, ',', 0, 0),
                1185, new TypeResolver.TypeRow('b', 'A', 1184, ',', 0, 0),
                1020, new TypeResolver.TypeRow('b', 'A', 603, ',', 0, 0),
                603, new TypeResolver.TypeRow('b', 'G', 0, ';', 0, 0),
                25, new TypeResolver.TypeRow('b', 'S', 0, ',', 0, 0));

        @Override
        public TypeResolver.TypeRow type(int oid) {
            return rows.getOrDefault(oid, new TypeResolver.TypeRow('b', 'N', 0, ',', 0, 0));
        }

        @Override
        public List<Map.Entry<String, Integer>> attributes(int relationOid) {
            return List.of();
        }
    };

    private static String value(String text, int typeOid) {
        return value(text, new TypeResolver(BUILT_IN_ARRAYS).of(typeOid));
    }

    private static String value(String text, ValueType type) {
        StringBuilder json = new StringBuilder();
        RowEncoder.appendTyped(json, text, type);
        return json.toString();
    }

    @Test
    void numbersStayExactAndSpecialFloatsBecomeStrings() {
        assertThat(value("123456789012345678901234567890.123456789", 1700)).isEqualTo("123456789012345678901234567890.123456789");
        assertThat(value("10.50", 1700)).isEqualTo("10.50");
        assertThat(value("NaN", 700)).isEqualTo("\"NaN\"");
        assertThat(value("-Infinity", 701)).isEqualTo("\"-Infinity\"");
        assertThat(value("1e+30", 701)).isEqualTo("1e+30");
    }

    @Test
    void jsonNumberCheckAgreesWithTheGrammar() {
        java.util.regex.Pattern grammar = java.util.regex.Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");
        for (String text : List.of("0", "-0", "7", "-12", "012", "1.", ".5", "1.50", "-0.001", "1e5", "1E+30", "2e-7", "1e", "1e+",
                "--1", "-", "", "NaN", "Infinity", "1.2.3", "12a", "1_000", "١٢")) {
            assertThat(RowEncoder.isJsonNumber(text)).as(text).isEqualTo(grammar.matcher(text).matches());
        }
    }

    @Test
    void booleansJsonAndStrings() {
        assertThat(value("t", 16)).isEqualTo("true");
        assertThat(value("f", 16)).isEqualTo("false");
        assertThat(value("{\"a\": [1.50, null]}", 3802)).isEqualTo("{\"a\": [1.50, null]}");
        assertThat(value("a\"b\\c\nd\u0001", 25)).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
        assertThat(value("\\xdeadbeef", 17)).isEqualTo("\"\\\\xdeadbeef\"");
    }

    @Test
    void timestampsBecomeIsoAndTimestamptzUtcWithZ() {
        assertThat(value("2024-02-29 13:14:15.123456", 1114)).isEqualTo("\"2024-02-29T13:14:15.123456\"");
        assertThat(value("2024-02-29 13:14:15.5+02", 1184)).isEqualTo("\"2024-02-29T11:14:15.5Z\"");
        assertThat(value("2024-03-01 00:30:00-05:30", 1184)).isEqualTo("\"2024-03-01T06:00:00Z\"");
        assertThat(value("2024-02-29 11:14:15+00", 1184)).isEqualTo("\"2024-02-29T11:14:15Z\"");
        assertThat(value("2024-02-29 11:14:15.000123+00", 1184)).isEqualTo("\"2024-02-29T11:14:15.000123Z\"");
        assertThat(value("2024-02-29 11:14:15.+00", 1184)).isEqualTo("\"2024-02-29 11:14:15.+00\"");
        assertThatThrownBy(() -> value("2023-02-29 11:14:15+00", 1184)).isInstanceOf(java.time.DateTimeException.class);
        assertThat(value("infinity", 1114)).isEqualTo("\"infinity\"");
        assertThat(value("2024-02-29", 1082)).isEqualTo("\"2024-02-29\"");
    }

    @Test
    void farFutureAndBcTimestamptzKeepPostgresqlsYearForm() {
        assertThat(value("10000-01-01 00:00:00+00", 1184)).isEqualTo("\"10000-01-01T00:00:00Z\"");
        assertThat(value("294276-12-31 23:59:59.999999+00", 1184)).isEqualTo("\"294276-12-31T23:59:59.999999Z\"");
        assertThat(value("0044-03-15 12:00:00+00 BC", 1184)).isEqualTo("\"0044-03-15T12:00:00Z BC\"");
        assertThat(value("0001-01-01 00:30:00+01 BC", 1184)).isEqualTo("\"0002-12-31T23:30:00Z BC\"");
        assertThat(value("10000-01-01 00:00:00", 1114)).isEqualTo("\"10000-01-01T00:00:00\"");
    }

    @Test
    void arraysByElementTypeNestedAndQuoted() {
        assertThat(value("{1,NULL,3}", 1007)).isEqualTo("[1,null,3]");
        assertThat(value("{x,\"y \\\"z\\\"\",\"NULL\"}", 1009)).isEqualTo("[\"x\",\"y \\\"z\\\"\",\"NULL\"]");
        assertThat(value("{{1,2},{3,4}}", 1007)).isEqualTo("[[1,2],[3,4]]");
        assertThat(value("[0:1]={7,8}", 1007)).isEqualTo("[7,8]");
        assertThat(value("{t,f}", 1000)).isEqualTo("[true,false]");
        assertThat(value("{\"2024-01-01 10:00:00+01\"}", 1185)).isEqualTo("[\"2024-01-01T09:00:00Z\"]");
        assertThat(value("{}", 1007)).isEqualTo("[]");
        assertThat(value("{(1,1),(0,0);(3,3),(2,2)}", 1020)).as("box[] uses ';' between elements")
                .isEqualTo("[\"(1,1),(0,0)\",\"(3,3),(2,2)\"]");
    }

    @Test
    void compositesBecomeObjectsWithNullsEmptyStringsAndNesting() {
        ValueType pair = new ValueType.Composite(List.of(new ValueType.Field("a", new ValueType.Scalar(RowEncoder.Category.NUMERIC)),
                new ValueType.Field("b", ValueType.STRING)));
        assertThat(value("(1,q)", pair)).isEqualTo("{\"a\":1,\"b\":\"q\"}");
        assertThat(value("(,\"\")", pair)).isEqualTo("{\"a\":null,\"b\":\"\"}");
        assertThat(value("(2,\"say \"\"hi\"\", \\\\ ok\")", pair)).isEqualTo("{\"a\":2,\"b\":\"say \\\"hi\\\", \\\\ ok\"}");
        ValueType wrap = new ValueType.Composite(List.of(new ValueType.Field("p", pair),
                new ValueType.Field("n", new ValueType.Scalar(RowEncoder.Category.NUMERIC))));
        assertThat(value("(\"(1,\"\"x y\"\")\",1.5)", wrap)).isEqualTo("{\"p\":{\"a\":1,\"b\":\"x y\"},\"n\":1.5}");
        assertThat(value("{\"(1,\\\"x y\\\")\",\"(,)\"}", new ValueType.ArrayOf(pair, ',')))
                .isEqualTo("[{\"a\":1,\"b\":\"x y\"},{\"a\":null,\"b\":null}]");
    }
}
