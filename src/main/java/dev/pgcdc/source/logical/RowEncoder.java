package dev.pgcdc.source.logical;

import dev.pgcdc.event.ZonedTimestamps;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Encodes column values from their PostgreSQL text output exactly as {@code row_to_json} encodes them
 * (PostgreSQL's json.c, {@code datum_to_json}), so a change reads the same in trigger and logical mode:
 * numbers raw when valid JSON numbers, booleans as true/false, json/jsonb nested verbatim, timestamps in
 * ISO-8601 with a {@code T}, arrays as JSON arrays encoded by element type, everything else a JSON string.
 * The one exception is pgcdc's only departure from row_to_json: {@code timestamptz} in UTC with {@code Z}
 * ({@link ZonedTimestamps}). Pure.
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

    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final Pattern TIMESTAMPTZ = Pattern.compile(
            "(\\d{4,}-\\d\\d-\\d\\d) (\\d\\d:\\d\\d:\\d\\d)(\\.\\d+)?([+-]\\d\\d)(?::(\\d\\d))?(?::(\\d\\d))?");

    private RowEncoder() {
    }

    /** The category of a scalar type, STRING when not special. */
    static Category scalarCategory(int typeOid) {
        return SCALARS.getOrDefault(typeOid, Category.STRING);
    }

    /** The category of the common built-in scalars that need no catalog lookup; null for any other type. */
    static Category builtInScalar(int typeOid) {
        return SCALARS.get(typeOid);
    }

    /** Appends a value given its text output and its resolved type: arrays and composites are parsed. */
    static void appendTyped(StringBuilder json, String text, ValueType type) {
        if (type instanceof ValueType.Scalar scalar) {
            appendValue(json, text, scalar.category());
        } else if (type instanceof ValueType.ArrayOf array) {
            int start = text.startsWith("[") ? text.indexOf('=') + 1 : 0; // optional [1:2]= bounds
            new Literal(text, start, json).array(array);
        } else {
            new Literal(text, 0, json).composite((ValueType.Composite) type);
        }
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
            case TIMESTAMPTZ -> appendString(json, isFinite(text) ? ZonedTimestamps.fromUtc(utc(text)) : text);
            case STRING -> appendString(json, text);
        }
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

    /**
     * A recursive-descent reader of array_out's and record_out's text forms: {@code {1,NULL,"a b"}} (nested,
     * with the element type's delimiter) and {@code (1,"x y",)} (an empty field is NULL).
     */
    private static final class Literal {
        private final String text;
        private final StringBuilder json;
        private int pos;

        Literal(String text, int start, StringBuilder json) {
            this.text = text;
            this.pos = start;
            this.json = json;
        }

        void array(ValueType.ArrayOf type) {
            expect('{');
            json.append('[');
            boolean first = true;
            while (text.charAt(pos) != '}') {
                if (!first) {
                    expect(type.delimiter());
                    json.append(',');
                }
                first = false;
                char c = text.charAt(pos);
                if (c == '{') {
                    array(type);
                } else if (c == '"') {
                    element(quoted(), type.element());
                } else {
                    String bare = unquoted(type.delimiter(), '}');
                    if (bare.equalsIgnoreCase("NULL")) {
                        json.append("null");
                    } else {
                        element(bare, type.element());
                    }
                }
            }
            expect('}');
            json.append(']');
        }

        void composite(ValueType.Composite type) {
            expect('(');
            json.append('{');
            for (int i = 0; i < type.fields().size(); i++) {
                if (i > 0) {
                    expect(',');
                    json.append(',');
                }
                ValueType.Field field = type.fields().get(i);
                appendString(json, field.name());
                json.append(':');
                char c = text.charAt(pos);
                if (c == ',' || c == ')') {
                    json.append("null");
                } else {
                    element(c == '"' ? quoted() : unquoted(',', ')'), field.type());
                }
            }
            expect(')');
            json.append('}');
        }

        private void element(String value, ValueType type) {
            appendTyped(json, value, type);
        }

        /** A double-quoted item: backslash escapes, and (in records) a doubled quote for a quote. */
        private String quoted() {
            expect('"');
            StringBuilder value = new StringBuilder();
            while (true) {
                char c = text.charAt(pos++);
                if (c == '\\') {
                    value.append(text.charAt(pos++));
                } else if (c == '"') {
                    if (pos < text.length() && text.charAt(pos) == '"') {
                        value.append('"');
                        pos++;
                    } else {
                        return value.toString();
                    }
                } else {
                    value.append(c);
                }
            }
        }

        private String unquoted(char delimiter, char end) {
            int start = pos;
            while (text.charAt(pos) != delimiter && text.charAt(pos) != end) {
                pos++;
            }
            return text.substring(start, pos).trim();
        }

        private void expect(char c) {
            if (text.charAt(pos) != c) {
                throw new IllegalArgumentException("malformed array or record literal at " + pos + ": " + text);
            }
            pos++;
        }
    }
}
