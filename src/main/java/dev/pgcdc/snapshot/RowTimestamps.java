package dev.pgcdc.snapshot;

import dev.pgcdc.event.ZonedTimestamps;

import java.util.Set;

/**
 * {@link ZonedTimestamps#inColumns} for the snapshot's hot path, with the same result: a {@code row_to_json}
 * object is scanned once, character by character, and a top-level string value of a named column is
 * rewritten in place. Anything less plain (a column name with escapes, an array or composite value, a string
 * with escapes) goes to {@link ZonedTimestamps#inColumns}, which parses the whole row with Jackson. The scan
 * exists because that parse, one parser per row, was most of a snapshot worker's CPU (JFR, 1,000,000 rows).
 */
final class RowTimestamps {

    private static final String UTC = "+00:00";
    private static final String UTC_BC = "+00:00 BC";

    private RowTimestamps() {
    }

    static String inColumns(String row, Set<String> columns) {
        if (row == null || columns.isEmpty()) {
            return row;
        }
        String rewritten = scan(row, columns);
        return rewritten != null ? rewritten : ZonedTimestamps.inColumns(row, columns);
    }

    /** The row rewritten, or null when it needs the full parse. */
    private static String scan(String row, Set<String> columns) {
        int length = row.length();
        if (length < 2 || row.charAt(0) != '{') {
            return null;
        }
        StringBuilder out = null;
        int copied = 0;
        int i = 1;
        while (i < length && row.charAt(i) != '}') {
            if (row.charAt(i) != '"') {
                return null;
            }
            int nameEnd = row.indexOf('"', i + 1);
            if (nameEnd < 0 || hasBackslash(row, i + 1, nameEnd) || nameEnd + 1 >= length || row.charAt(nameEnd + 1) != ':') {
                return null;
            }
            boolean named = isNamed(row, i + 1, nameEnd, columns);
            int valueStart = nameEnd + 2;
            int valueEnd = skipValue(row, valueStart);
            if (valueEnd < 0) {
                return null;
            }
            if (named && !row.startsWith("null", valueStart)) {
                if (row.charAt(valueStart) != '"' || row.charAt(valueEnd - 1) != '"' || hasBackslash(row, valueStart, valueEnd)) {
                    return null;
                }
                String value = row.substring(valueStart + 1, valueEnd - 1);
                String zoned = fromUtc(value);
                if (!zoned.equals(value)) {
                    if (out == null) {
                        out = new StringBuilder(length);
                    }
                    out.append(row, copied, valueStart + 1).append(zoned);
                    copied = valueEnd - 1;
                }
            }
            i = row.charAt(valueEnd) == ',' ? valueEnd + 1 : valueEnd;
        }
        return out == null ? row : out.append(row, copied, length).toString();
    }

    /** {@link ZonedTimestamps#fromUtc} without its regular expression, which cost a worker a fifth of its CPU. */
    static String fromUtc(String value) {
        boolean bc = value.endsWith(UTC_BC);
        int end = value.length() - (bc ? UTC_BC.length() : value.endsWith(UTC) ? UTC.length() : value.length());
        int i = digits(value, 0, end);
        if (i < 4 || !at(value, i, end, '-') || digits(value, i + 1, end) != i + 3 || !at(value, i + 3, end, '-')
                || digits(value, i + 4, end) != i + 6 || !at(value, i + 6, end, 'T') || digits(value, i + 7, end) != i + 9
                || !at(value, i + 9, end, ':') || digits(value, i + 10, end) != i + 12 || !at(value, i + 12, end, ':')
                || digits(value, i + 13, end) != i + 15) {
            return value;
        }
        i += 15;
        if (i < end && (value.charAt(i) != '.' || digits(value, i + 1, end) != end || end == i + 1)) {
            return value;
        }
        return value.substring(0, end) + (bc ? "Z BC" : "Z");
    }

    /** The index after the run of ASCII digits starting at {@code start}, not past {@code end}. */
    private static int digits(String text, int start, int end) {
        int i = start;
        while (i < end && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private static boolean at(String text, int index, int end, char expected) {
        return index < end && text.charAt(index) == expected;
    }

    private static boolean hasBackslash(String row, int start, int end) {
        for (int i = start; i < end; i++) {
            if (row.charAt(i) == '\\') {
                return true;
            }
        }
        return false;
    }

    private static boolean isNamed(String row, int start, int end, Set<String> columns) {
        for (String column : columns) {
            if (column.length() == end - start && row.regionMatches(start, column, 0, column.length())) {
                return true;
            }
        }
        return false;
    }

    /** The index of the ',' or '}' that ends the value starting at {@code start}, or -1 when the text ends first. */
    private static int skipValue(String row, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < row.length(); i++) {
            char c = row.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
