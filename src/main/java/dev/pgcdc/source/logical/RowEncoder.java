package dev.pgcdc.source.logical;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Encodes column values from their PostgreSQL text output exactly as {@code row_to_json} encodes them
 * (PostgreSQL's json.c, {@code datum_to_json}), so a change reads the same in trigger and logical mode:
 * numbers raw when valid JSON numbers, booleans as true/false, json/jsonb nested verbatim, timestamps in
 * ISO-8601 with a {@code T} ({@code timestamptz} in UTC, {@code +00:00}), arrays as JSON arrays encoded by
 * element type, everything else a JSON string. Pure.
 */
final class RowEncoder {

    /** How {@code row_to_json} treats a type; see json.c, {@code json_categorize_type}. */
    enum Category { BOOLEAN, NUMERIC, JSON, DATE, TIMESTAMP, TIMESTAMPTZ, STRING }

    private static final Map<Integer, Category> SCALARS = Map.ofEntries(
            Map.entry(16, Category.BOOLEAN),
            Map.entry(20, Category.NUMERIC), Map.entry(21, Category.NUMERIC), Map.entry(23, Category.NUMERIC),
            Map.entry(700, Category.NUMERIC), Map.entry(701, Category.NUMERIC), Map.entry(1700, Category.NUMERIC),
            Map.entry(114, Category.JSON), Map.entry(3802, Category.JSON),
            Map.entry(1082, Category.DATE), Map.entry(1114, Category.TIMESTAMP), Map.entry(1184, Category.TIMESTAMPTZ));

    /** Built-in array types and their elements' category; other arrays are arrays of strings. */
    private static final Map<Integer, Category> ARRAYS = Map.ofEntries(
            Map.entry(1000, Category.BOOLEAN),
            Map.entry(1016, Category.NUMERIC), Map.entry(1005, Category.NUMERIC), Map.entry(1007, Category.NUMERIC),
            Map.entry(1021, Category.NUMERIC), Map.entry(1022, Category.NUMERIC), Map.entry(1231, Category.NUMERIC),
            Map.entry(199, Category.JSON), Map.entry(3807, Category.JSON),
            Map.entry(1182, Category.DATE), Map.entry(1115, Category.TIMESTAMP), Map.entry(1185, Category.TIMESTAMPTZ),
            Map.entry(1009, Category.STRING), Map.entry(1015, Category.STRING), Map.entry(1014, Category.STRING),
            Map.entry(1001, Category.STRING), Map.entry(1002, Category.STRING), Map.entry(1003, Category.STRING),
            Map.entry(1028, Category.STRING), Map.entry(2951, Category.STRING), Map.entry(1183, Category.STRING),
            Map.entry(1270, Category.STRING), Map.entry(1187, Category.STRING), Map.entry(1041, Category.STRING),
            Map.entry(651, Category.STRING), Map.entry(1040, Category.STRING), Map.entry(1561, Category.STRING),
            Map.entry(1563, Category.STRING), Map.entry(2211, Category.STRING), Map.entry(3643, Category.STRING),
            Map.entry(3645, Category.STRING), Map.entry(1790, Category.STRING), Map.entry(2949, Category.STRING),
            Map.entry(1263, Category.STRING), Map.entry(791, Category.STRING), Map.entry(1034, Category.STRING));

    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final Pattern TIMESTAMPTZ = Pattern.compile(
            "(\\d{4,}-\\d\\d-\\d\\d) (\\d\\d:\\d\\d:\\d\\d)(\\.\\d+)?([+-]\\d\\d)(?::(\\d\\d))?(?::(\\d\\d))?");

    private RowEncoder() {
    }

    /** The category of a scalar type, STRING when not special. */
    static Category scalarCategory(int typeOid) {
        return SCALARS.getOrDefault(typeOid, Category.STRING);
    }

    /**
     * The element category when {@code typeOid} is an array type; null otherwise. {@code typeName} comes from
     * a Type message for non-built-in types: PostgreSQL names array types {@code _element}.
     */
    static Category arrayElementCategory(int typeOid, String typeName) {
        Category builtIn = ARRAYS.get(typeOid);
        if (builtIn != null) {
            return builtIn;
        }
        return typeName != null && typeName.startsWith("_") ? Category.STRING : null;
    }

    /** Appends one value given its text output. */
    static void appendValue(StringBuilder json, String text, Category category) {
        switch (category) {
            case BOOLEAN -> json.append(text.equals("t") || text.equals("true") ? "true" : "false");
            case NUMERIC -> {
                if (JSON_NUMBER.matcher(text).matches()) {
                    json.append(text);
                } else {
                    appendString(json, text); // NaN, Infinity, -Infinity
                }
            }
            case JSON -> json.append(text);
            case DATE -> appendString(json, text);
            case TIMESTAMP -> appendString(json, isFinite(text) ? text.replaceFirst(" ", "T") : text);
            case TIMESTAMPTZ -> appendString(json, isFinite(text) ? utc(text) : text);
            case STRING -> appendString(json, text);
        }
    }

    /** Appends a PostgreSQL array literal ({@code {1,NULL,"a b"}}, nested, optional {@code [1:2]=} bounds) as a JSON array. */
    static void appendArray(StringBuilder json, String literal, Category elements) {
        int start = 0;
        if (literal.startsWith("[")) {
            start = literal.indexOf('=') + 1;
        }
        new ArrayLiteral(literal, start, elements, json).parse();
    }

    /** Escapes as PostgreSQL's {@code escape_json}: short escapes for \b \f \n \r \t " \, {@code \\u00XX} for other controls. */
    static void appendString(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < ' ') {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    private static boolean isFinite(String text) {
        return !text.equals("infinity") && !text.equals("-infinity");
    }

    /**
     * {@code 2024-02-29 13:14:15.5+02} (any session time zone) to {@code 2024-02-29T11:14:15.5+00:00}, the
     * form row_to_json writes in UTC. The fraction is kept digit for digit; offsets are whole seconds. Years
     * past 9999 keep all their digits, BC dates their {@code BC} suffix, as PostgreSQL writes them.
     */
    private static String utc(String text) {
        boolean bc = text.endsWith(" BC");
        Matcher m = TIMESTAMPTZ.matcher(bc ? text.substring(0, text.length() - 3) : text);
        if (!m.matches()) {
            return text;
        }
        int sign = m.group(4).startsWith("-") ? -1 : 1;
        int offsetSeconds = sign * (Integer.parseInt(m.group(4).substring(1)) * 3600
                + (m.group(5) == null ? 0 : Integer.parseInt(m.group(5)) * 60)
                + (m.group(6) == null ? 0 : Integer.parseInt(m.group(6))));
        String[] date = m.group(1).split("-");
        String[] time = m.group(2).split(":");
        int year = Integer.parseInt(date[0]);
        // Astronomical numbering (1 BC is year 0) keeps the calendar arithmetic right across the era.
        LocalDateTime local = LocalDateTime.of(bc ? 1 - year : year, Integer.parseInt(date[1]), Integer.parseInt(date[2]),
                Integer.parseInt(time[0]), Integer.parseInt(time[1]), Integer.parseInt(time[2]));
        LocalDateTime inUtc = local.toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds)).atOffset(ZoneOffset.UTC).toLocalDateTime();
        boolean utcBc = inUtc.getYear() <= 0;
        return String.format("%04d-%02d-%02dT%02d:%02d:%02d", utcBc ? 1 - inUtc.getYear() : inUtc.getYear(), inUtc.getMonthValue(),
                inUtc.getDayOfMonth(), inUtc.getHour(), inUtc.getMinute(), inUtc.getSecond())
                + (m.group(3) == null ? "" : m.group(3)) + "+00:00" + (utcBc ? " BC" : "");
    }

    /** A recursive-descent reader of array_out's text form. */
    private static final class ArrayLiteral {
        private final String text;
        private final Category elements;
        private final StringBuilder json;
        private int pos;

        ArrayLiteral(String text, int start, Category elements, StringBuilder json) {
            this.text = text;
            this.pos = start;
            this.elements = elements;
            this.json = json;
        }

        void parse() {
            array();
        }

        private void array() {
            expect('{');
            json.append('[');
            boolean first = true;
            while (text.charAt(pos) != '}') {
                if (!first) {
                    expect(',');
                    json.append(',');
                }
                first = false;
                char c = text.charAt(pos);
                if (c == '{') {
                    array();
                } else if (c == '"') {
                    appendValue(json, quoted(), elements);
                } else {
                    String bare = unquoted();
                    if (bare.equalsIgnoreCase("NULL")) {
                        json.append("null");
                    } else {
                        appendValue(json, bare, elements);
                    }
                }
            }
            expect('}');
            json.append(']');
        }

        private String quoted() {
            expect('"');
            StringBuilder value = new StringBuilder();
            while (text.charAt(pos) != '"') {
                char c = text.charAt(pos++);
                value.append(c == '\\' ? text.charAt(pos++) : c);
            }
            pos++;
            return value.toString();
        }

        private String unquoted() {
            int start = pos;
            while (text.charAt(pos) != ',' && text.charAt(pos) != '}') {
                pos++;
            }
            return text.substring(start, pos).trim();
        }

        private void expect(char c) {
            if (text.charAt(pos) != c) {
                throw new IllegalArgumentException("malformed array literal at " + pos + ": " + text);
            }
            pos++;
        }
    }
}
