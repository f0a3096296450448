package dev.pgcdc.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;

/** A {@code key=value key=value} line, the way the bench's child processes report their results on stdout. */
public record KeyValues(Map<String, String> values) {

    public static KeyValues parse(String line) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String token : line.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                values.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        return new KeyValues(values);
    }

    public long longValue(String key) {
        return Long.parseLong(required(key));
    }

    public double doubleValue(String key) {
        return Double.parseDouble(required(key));
    }

    public String required(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("result line has no '" + key + "': " + values);
        }
        return value;
    }
}
