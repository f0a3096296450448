package dev.pgcdc.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * An event's key, {@code {"col":value,...}}, picked out of a row's JSON text. Keys are written as Jackson writes
 * a tree of the parsed row, the form keys have always had. Most keys are integers and plain strings, whose
 * text Jackson writes back unchanged: those are copied from a scan of the row's top level, without parsing
 * the row into a tree (which cost more than building the whole envelope). Anything Jackson might write
 * differently (escapes, decimals, {@code -0}, nested values) takes the tree. The scan stops at the last key
 * column: rows are {@code row_to_json} objects of a table's row, so every name occurs once. Pure.
 */
final class RowKeys {

    private RowKeys() {
    }

    /** The key of {@code row}, or null when there are no key columns, no row, or a key column is missing. */
    static String of(String row, List<String> keyColumns) {
        if (keyColumns.isEmpty() || row == null) {
            return null;
        }
        String copied = copied(row, keyColumns);
        return copied != null ? copied : fromTree(row, keyColumns);
    }

    /** The key from a tree of the parsed row: the reference the copied key must equal. */
    static String fromTree(String row, List<String> keyColumns) {
        JsonNode parsed = Json.parse(row);
        ObjectNode key = Json.mapper().createObjectNode();
        for (String column : keyColumns) {
            JsonNode value = parsed.get(column);
            if (value == null) {
                return null;
            }
            key.set(column, value);
        }
        return Json.write(key);
    }

    /** The key copied from the row's text, or null when the tree must decide. */
    private static String copied(String row, List<String> keyColumns) {
        int[] starts = new int[keyColumns.size()];
        int[] ends = new int[keyColumns.size()];
        for (String column : keyColumns) {
            if (needsEscape(column)) {
                return null;
            }
        }
        Scanner scan = new Scanner(row);
        if (!scan.skip('{')) {
            return null;
        }
        int found = 0;
        if (!scan.skip('}')) {
            do {
                int nameStart = scan.pos + 1;
                int nameEnd = scan.plainString();
                if (nameEnd < 0 || !scan.skip(':')) {
                    return null;
                }
                int valueStart = scan.pos;
                int valueEnd = scan.value();
                if (valueEnd < 0) {
                    return null;
                }
                for (int i = 0; i < keyColumns.size(); i++) {
                    String column = keyColumns.get(i);
                    if (ends[i] == 0 && column.length() == nameEnd - nameStart && row.startsWith(column, nameStart)) {
                        starts[i] = valueStart;
                        ends[i] = valueEnd;
                        found++;
                    }
                }
                // A row's names are its table's columns, each once: the rest of the row cannot change the key.
            } while (found < keyColumns.size() && scan.skip(','));
        }
        StringBuilder key = new StringBuilder(16 * keyColumns.size());
        key.append('{');
        for (int i = 0; i < keyColumns.size(); i++) {
            if (ends[i] == 0 || !copiesUnchanged(row, starts[i], ends[i])) {
                return null;
            }
            key.append(i == 0 ? "\"" : ",\"").append(keyColumns.get(i)).append("\":").append(row, starts[i], ends[i]);
        }
        return key.append('}').toString();
    }

    /** A string without escapes, an integer other than {@code -0}, true, false or null: Jackson writes it back as it is. */
    private static boolean copiesUnchanged(String row, int start, int end) {
        char first = row.charAt(start);
        if (first == '"') {
            int backslash = row.indexOf('\\', start);
            return backslash < 0 || backslash >= end;
        }
        if (first == 't' || first == 'f' || first == 'n') {
            return true; // value() accepted only the literals
        }
        int digits = first == '-' ? start + 1 : start;
        if (digits == end || row.charAt(digits) == '0' && (end - digits > 1 || digits > start)) {
            return false;
        }
        for (int i = digits; i < end; i++) {
            char c = row.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** What Jackson escapes in a name or string by default. */
    static boolean needsEscape(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ' ' || c == '"' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    /** A scan of JSON text's structure: strings, nesting, literals. Values are checked only as far as the key needs. */
    private static final class Scanner {
        private final String text;
        private int pos;

        Scanner(String text) {
            this.text = text;
        }

        boolean skip(char expected) {
            whitespace();
            if (pos < text.length() && text.charAt(pos) == expected) {
                pos++;
                whitespace();
                return true;
            }
            return false;
        }

        /** Skips a string at pos; the index of its closing quote, or -1 when it is not a string or has escapes. */
        int plainString() {
            if (pos >= text.length() || text.charAt(pos) != '"') {
                return -1;
            }
            for (int i = pos + 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"') {
                    pos = i + 1;
                    return i;
                }
                if (c == '\\' || c < ' ') {
                    return -1;
                }
            }
            return -1;
        }

        /** Skips one value; its end, or -1 when the text is not what this scan accepts. */
        int value() {
            if (pos >= text.length()) {
                return -1;
            }
            char c = text.charAt(pos);
            if (c == '"') {
                return string() ? pos : -1;
            }
            if (c == '{' || c == '[') {
                return nested() ? pos : -1;
            }
            int start = pos;
            while (pos < text.length() && isTokenChar(text.charAt(pos))) {
                pos++;
            }
            if (pos == start || Character.isLetter(c) && !isLiteral(start, pos)) {
                return -1;
            }
            return pos;
        }

        /** What a number or a literal (true, false, null) is made of. */
        private static boolean isTokenChar(char c) {
            return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
                    || c == 't' || c == 'r' || c == 'u' || c == 'f' || c == 'a' || c == 'l' || c == 's' || c == 'n';
        }

        private boolean isLiteral(int start, int end) {
            int length = end - start;
            return length == 4 && (text.startsWith("true", start) || text.startsWith("null", start))
                    || length == 5 && text.startsWith("false", start);
        }

        /** Skips a string that may hold escapes. */
        private boolean string() {
            for (int i = pos + 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    pos = i + 1;
                    return true;
                } else if (c < ' ') {
                    return false;
                }
            }
            return false;
        }

        /** Skips an object or array by counting brackets outside strings. */
        private boolean nested() {
            int depth = 0;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '"') {
                    if (!string()) {
                        return false;
                    }
                    continue;
                }
                pos++;
                if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    if (--depth == 0) {
                        return true;
                    }
                }
            }
            return false;
        }

        private void whitespace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }
    }
}
