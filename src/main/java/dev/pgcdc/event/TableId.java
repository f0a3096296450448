package dev.pgcdc.event;

import java.util.Objects;

/** A table's schema-qualified name, as PostgreSQL spells it (case kept, no quotes). */
public record TableId(String schema, String table) {

    public TableId {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        if (schema.isEmpty() || table.isEmpty()) {
            throw new IllegalArgumentException("schema and table must not be empty");
        }
    }

    /**
     * Reads {@code SCHEMA.TABLE}, or {@code TABLE} in schema {@code public}. Names are taken as written, like
     * quoted identifiers; the first dot separates schema from table.
     */
    public static TableId parse(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? new TableId("public", qualified) : new TableId(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    /** The name quoted for SQL text: {@code "schema"."table"}. */
    public String quoted() {
        return quote(schema) + "." + quote(table);
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
