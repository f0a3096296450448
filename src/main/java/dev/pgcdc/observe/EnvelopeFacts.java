package dev.pgcdc.observe;

/**
 * The table, operation and commit time of a published change, read from its envelope text for metrics.
 * Parsing every value again on the hot path would cost as much as building it; the envelope's fixed layout
 * ({@code source} and {@code op} written after {@code before} and {@code after}) lets a scan from the end
 * find them, never inside row data, where quotes are escaped and embedded JSON comes earlier.
 *
 * @param table        {@code schema.table}, or the topic when the value is not a row change
 * @param op           {@code c}, {@code u}, {@code d}, {@code r}, {@code t}; {@code tombstone} for a null value;
 *                     {@code other} for a value that is not a row change (a transaction event, a dead letter)
 * @param commitMillis the change's commit time ({@code source.ts_ms}), or -1 when unknown
 */
public record EnvelopeFacts(String table, String op, long commitMillis) {

    private static final String SOURCE = "\"source\":{";

    public static EnvelopeFacts of(String topic, String value) {
        if (value == null) {
            return new EnvelopeFacts(topic, "tombstone", -1);
        }
        int source = value.lastIndexOf(SOURCE);
        int op = value.lastIndexOf("\"op\":\"");
        if (source < 0 || op < source) {
            return new EnvelopeFacts(topic, "other", -1);
        }
        String schema = stringField(value, "schema", source);
        String table = stringField(value, "table", source);
        return new EnvelopeFacts(schema != null && table != null ? schema + "." + table : topic,
                value.substring(op + 6, value.indexOf('"', op + 6)), numberField(value, "ts_ms", source));
    }

    private static String stringField(String value, String name, int from) {
        String marker = "\"" + name + "\":\"";
        int at = value.indexOf(marker, from);
        if (at < 0) {
            return null;
        }
        int start = at + marker.length();
        return value.substring(start, value.indexOf('"', start));
    }

    private static long numberField(String value, String name, int from) {
        String marker = "\"" + name + "\":";
        int at = value.indexOf(marker, from);
        if (at < 0) {
            return -1;
        }
        int start = at + marker.length();
        int end = start;
        while (end < value.length() && Character.isDigit(value.charAt(end))) {
            end++;
        }
        return end > start ? Long.parseLong(value, start, end, 10) : -1;
    }
}
