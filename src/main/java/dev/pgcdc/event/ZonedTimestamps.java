package dev.pgcdc.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where pgcdc departs from {@code row_to_json}: a {@code timestamptz} value is written in UTC
 * with a {@code Z} suffix ({@code 2024-03-10T11:34:57.123457Z}), the form Debezium writes
 * ({@code io.debezium.time.ZonedTimestamp}) and the one ISO-8601 parsers such as Flink's
 * {@code TIMESTAMP_LTZ} read; {@code row_to_json} in UTC writes {@code …+00:00}. Every other value stays
 * exactly as {@code row_to_json} writes it, and the rewrite splices text, so the rest of a row keeps every
 * byte (whitespace inside json values, digits of numerics). Years past 9999 keep all their digits and BC
 * values their {@code " BC"} suffix ({@code 0044-03-15T12:00:00Z BC}), as PostgreSQL spells them;
 * {@code infinity} and {@code -infinity} stay as they are.
 */
public final class ZonedTimestamps {

    /** {@code row_to_json}'s timestamptz form when the session is in UTC. */
    private static final Pattern UTC_FORM = Pattern.compile("(\\d{4,}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?)\\+00:00( BC)?");
    /** {@code row_to_json}'s timestamptz form in any session time zone (AD years of four digits). */
    private static final Pattern ANY_OFFSET_FORM = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?[+-]\\d\\d:\\d\\d(:\\d\\d)?");
    private static final DateTimeFormatter UTC_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private ZonedTimestamps() {
    }

    /** {@code …+00:00} (optionally followed by {@code " BC"}) becomes {@code …Z}; any other text is returned unchanged. */
    public static String fromUtc(String rowToJsonUtc) {
        Matcher m = UTC_FORM.matcher(rowToJsonUtc);
        return m.matches() ? m.group(1) + "Z" + (m.group(2) == null ? "" : m.group(2)) : rowToJsonUtc;
    }

    /**
     * Rewrites, in a {@code row_to_json} object written in UTC, the string values under the named top-level
     * columns (scalars, and every element of arrays and composites) that are in the UTC timestamptz form.
     *
     * @param columns the columns whose type is or holds {@code timestamptz}
     */
    public static String inColumns(String rowJson, Set<String> columns) {
        if (rowJson == null || columns.isEmpty() || !rowJson.contains("+00:00")) {
            return rowJson;
        }
        return rewriteColumns(rowJson, columns);
    }

    /**
     * {@link #rewrite} for row_to_json text, which is always valid JSON, by a scan of its characters: the
     * trigger mode rewrites every row it reads, and a JSON parser that builds each token and name cost more
     * than the rest of the row's decoding. A string is a member name when it follows '{' or ',' inside an
     * object; names with escapes are unescaped by the parser, as they are rare.
     */
    private static String rewriteColumns(String json, Set<String> columns) {
        StringBuilder out = null;
        int copied = 0;
        int depth = 0;
        boolean[] inObject = new boolean[16];
        char previous = 0;
        String column = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '{', '[' -> {
                    if (++depth == inObject.length) {
                        inObject = Arrays.copyOf(inObject, depth * 2);
                    }
                    inObject[depth] = c == '{';
                    previous = c;
                }
                case '}', ']' -> {
                    depth--;
                    previous = c;
                }
                case '"' -> {
                    int end = closingQuote(json, i);
                    if (inObject[depth] && (previous == '{' || previous == ',')) {
                        if (depth == 1) {
                            String name = json.substring(i + 1, end);
                            column = name.indexOf('\\') < 0 ? name : Json.parse(json.substring(i, end + 1)).asText();
                        }
                    } else if (depth >= 1 && columns.contains(column) && json.startsWith("+00:00", endOfDigits(json, end))) {
                        String value = json.substring(i + 1, end);
                        String rewritten = fromUtc(value);
                        if (!rewritten.equals(value)) {
                            if (out == null) {
                                out = new StringBuilder(json.length());
                            }
                            out.append(json, copied, i + 1).append(rewritten);
                            copied = end;
                        }
                    }
                    previous = '"';
                    i = end;
                }
                case ' ', '\n', '\t', '\r' -> {
                }
                default -> previous = c;
            }
        }
        return out == null ? json : out.append(json, copied, json.length()).toString();
    }

    /** The index of the quote that closes the string opened at {@code open}: the next one not escaped. */
    private static int closingQuote(String json, int open) {
        int end = json.indexOf('"', open + 1);
        while (true) {
            int backslashes = 0;
            while (json.charAt(end - 1 - backslashes) == '\\') {
                backslashes++;
            }
            if (backslashes % 2 == 0) {
                return end;
            }
            end = json.indexOf('"', end + 1);
        }
    }

    /** Where {@code +00:00} would start in a value ending at {@code end}: before a {@code " BC"} suffix, if any. */
    private static int endOfDigits(String json, int end) {
        return json.startsWith(" BC", end - 3) ? end - 9 : end - 6;
    }

    /**
     * Rewrites, in any JSON document, each string value that is exactly a {@code row_to_json} timestamptz
     * written in some session time zone ({@code 2024-02-29T13:14:15.5+02:00}) into the same instant in UTC
     * with {@code Z}. For payloads whose types are unknown (NOTIFY): a text value in that exact form is
     * rewritten too. A document without such a value is returned as the same string.
     */
    public static String inDocument(String json) {
        return rewrite(json, null, ZonedTimestamps::anyOffsetToUtc);
    }

    private static String anyOffsetToUtc(String text) {
        Matcher m = ANY_OFFSET_FORM.matcher(text);
        if (!m.matches()) {
            return text;
        }
        try {
            OffsetDateTime at = OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC);
            return at.format(UTC_SECONDS) + (m.group(1) == null ? "" : m.group(1)) + "Z";
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    private interface Rewrite {
        String apply(String value);
    }

    /** Splices rewritten string values into the text; {@code columns} null means every string value. */
    private static String rewrite(String json, Set<String> columns, Rewrite rewrite) {
        StringBuilder out = null;
        int copied = 0;
        try (JsonParser parser = Json.mapper().getFactory().createParser(json)) {
            int depth = 0;
            String column = null;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                switch (token) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME -> {
                        if (depth == 1) {
                            column = parser.currentName();
                        }
                    }
                    case VALUE_STRING -> {
                        if (columns == null || depth >= 1 && columns.contains(column)) {
                            String value = parser.getText();
                            String rewritten = rewrite.apply(value);
                            if (!rewritten.equals(value)) {
                                // The value has no escapes (digits, '-', ':', '.', 'T', ' BC'): its text is "value".
                                int start = (int) parser.currentTokenLocation().getCharOffset();
                                if (out == null) {
                                    out = new StringBuilder(json.length());
                                }
                                out.append(json, copied, start + 1).append(rewritten);
                                copied = start + 1 + value.length();
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out == null ? json : out.append(json, copied, json.length()).toString();
    }
}
