package dev.pgcdc.source.logical;

import dev.pgcdc.event.ZonedTimestamps;

import java.time.LocalDateTime;
import java.time.Month;
import java.time.Year;
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

    /** Where {@code yyyy-MM-dd HH:mm:ss} has its digits. */
    private static final int[] PLAIN_UTC_DIGITS = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};

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
                if (isJsonNumber(text)) {
                    json.append(text);
                } else {
                    appendString(json, text); // NaN, Infinity, -Infinity
                }
            }
            case JSON -> json.append(text);
            case DATE -> appendString(json, text);
            case TIMESTAMP -> appendString(json, isFinite(text) ? withT(text) : text);
            case TIMESTAMPTZ -> appendTimestamptz(json, text);
            case STRING -> appendString(json, text);
        }
    }

    /** Escapes as PostgreSQL's {@code escape_json}: short escapes for \b \f \n \r \t " \, {@code \\u00XX} for other controls. */
    static void appendString(StringBuilder json, String text) {
        json.append('"');
        int plain = 0;
        while (plain < text.length() && text.charAt(plain) >= ' ' && text.charAt(plain) != '"' && text.charAt(plain) != '\\') {
            plain++;
        }
        json.append(text, 0, plain); // most text needs no escape: one copy instead of one append per character
        for (int i = plain; i < text.length(); i++) {
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

    /** A JSON number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    static boolean isJsonNumber(String text) {
        int i = text.startsWith("-") ? 1 : 0;
        int n = text.length();
        if (i == n) {
            return false;
        }
        if (text.charAt(i) == '0') {
            i++;
        } else {
            int start = i;
            i = digits(text, i);
            if (i == start) {
                return false;
            }
        }
        if (i < n && text.charAt(i) == '.') {
            int start = ++i;
            i = digits(text, i);
            if (i == start) {
                return false;
            }
        }
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int start = i;
            i = digits(text, i);
            if (i == start) {
                return false;
            }
        }
        return i == n;
    }

    private static int digits(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /** The first space becomes a {@code T}, as row_to_json writes a timestamp. */
    private static String withT(String text) {
        int space = text.indexOf(' ');
        return space < 0 ? text : text.substring(0, space) + 'T' + text.substring(space + 1);
    }

    private static boolean isFinite(String text) {
        return !text.equals("infinity") && !text.equals("-infinity");
    }

    private static void appendTimestamptz(StringBuilder json, String text) {
        if (isPlainUtc(text)) { // digits and separators only: nothing to escape, no new string to build
            json.append('"').append(text, 0, 10).append('T').append(text, 11, text.length() - 3).append("Z\"");
        } else {
            appendString(json, isFinite(text) ? zonedUtc(text) : text);
        }
    }

    /**
     * {@code 2024-02-29 13:14:15.5+02} (any session time zone) to {@code 2024-02-29T11:14:15.5Z}: row_to_json's
     * form in UTC ({@code …+00:00}) with {@link ZonedTimestamps}' {@code Z}. The fraction is kept digit for
     * digit; offsets are whole seconds. Years past 9999 keep all their digits, BC dates their {@code BC}
     * suffix, as PostgreSQL writes them. Text in any other form goes to {@link ZonedTimestamps#fromUtc} as it is.
     */
    private static String zonedUtc(String text) {
        boolean bc = text.endsWith(" BC");
        Matcher m = TIMESTAMPTZ.matcher(bc ? text.substring(0, text.length() - 3) : text);
        if (!m.matches()) {
            return ZonedTimestamps.fromUtc(text);
        }
        String offset = m.group(4);
        int sign = offset.charAt(0) == '-' ? -1 : 1;
        int offsetSeconds = sign * (Integer.parseInt(offset, 1, 3, 10) * 3600
                + (m.group(5) == null ? 0 : Integer.parseInt(m.group(5)) * 60)
                + (m.group(6) == null ? 0 : Integer.parseInt(m.group(6))));
        String date = m.group(1);
        String time = m.group(2);
        int yearEnd = date.length() - 6;
        int year = Integer.parseInt(date, 0, yearEnd, 10);
        // Astronomical numbering (1 BC is year 0) keeps the calendar arithmetic right across the era.
        LocalDateTime local = LocalDateTime.of(bc ? 1 - year : year, Integer.parseInt(date, yearEnd + 1, yearEnd + 3, 10),
                Integer.parseInt(date, yearEnd + 4, yearEnd + 6, 10), Integer.parseInt(time, 0, 2, 10),
                Integer.parseInt(time, 3, 5, 10), Integer.parseInt(time, 6, 8, 10));
        LocalDateTime inUtc = offsetSeconds == 0 ? local
                : local.toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds)).atOffset(ZoneOffset.UTC).toLocalDateTime();
        boolean utcBc = inUtc.getYear() <= 0;
        StringBuilder utc = new StringBuilder(40);
        padded(utc, utcBc ? 1 - inUtc.getYear() : inUtc.getYear(), 4).append('-');
        padded(utc, inUtc.getMonthValue(), 2).append('-');
        padded(utc, inUtc.getDayOfMonth(), 2).append('T');
        padded(utc, inUtc.getHour(), 2).append(':');
        padded(utc, inUtc.getMinute(), 2).append(':');
        padded(utc, inUtc.getSecond(), 2);
        if (m.group(3) != null) {
            utc.append(m.group(3));
        }
        return utc.append('Z').append(utcBc ? " BC" : "").toString();
    }

    /**
     * The common case, a session in UTC: {@code yyyy-MM-dd HH:mm:ss[.f…]+00} with a valid date and time, an AD
     * year of four digits. Its UTC form is its own text with {@code T} and {@code Z}.
     */
    private static boolean isPlainUtc(String text) {
        int n = text.length();
        if (n < 22 || !text.endsWith("+00") || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != ' '
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return false;
        }
        for (int i : PLAIN_UTC_DIGITS) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        if (n > 22 && (text.charAt(19) != '.' || n == 23 || digits(text, 20) != n - 3)) {
            return false;
        }
        int year = Integer.parseInt(text, 0, 4, 10);
        int month = Integer.parseInt(text, 5, 7, 10);
        int day = Integer.parseInt(text, 8, 10, 10);
        return year > 0 && month >= 1 && month <= 12 && day >= 1 && day <= Month.of(month).length(Year.isLeap(year))
                && Integer.parseInt(text, 11, 13, 10) < 24 && Integer.parseInt(text, 14, 16, 10) < 60
                && Integer.parseInt(text, 17, 19, 10) < 60;
    }

    /** {@code String.format("%0<width>d", value)} for a value that is not negative, without a Formatter. */
    private static StringBuilder padded(StringBuilder text, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            text.append('0');
        }
        return text.append(digits);
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
