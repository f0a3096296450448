package dev.pgcdc.event;

import java.util.Map;
import java.util.Objects;

/**
 * A column as Kafka Connect schemas need it: its name, what its values are, whether it may be null.
 *
 * @param kind        the kind of its values (domains resolved to their base type)
 * @param elementKind for {@link Kind#ARRAY}, the kind of the elements; null otherwise
 */
public record ColumnType(String name, Kind kind, Kind elementKind, boolean optional) {

    /** What a column's values are, as far as a Connect schema goes; Debezium's mapping where one exists. */
    public enum Kind {
        BOOLEAN, INT16, INT32, INT64, FLOAT32, FLOAT64,
        /** numeric: a string, as Debezium's {@code decimal.handling.mode=string} writes it. */
        DECIMAL,
        /** json, jsonb: the JSON text as a string named {@code io.debezium.data.Json}. */
        JSON,
        /** timestamptz: {@code io.debezium.time.ZonedTimestamp}. */
        ZONED_TIMESTAMP,
        UUID,
        /** Composite (row) types: their row_to_json object as JSON text, like {@link #JSON}. */
        COMPOSITE,
        ARRAY,
        /** Every other type: its row_to_json string (text, date, timestamp, interval, bytea, enums...). */
        STRING
    }

    private static final Map<Integer, Kind> BUILT_IN = Map.ofEntries(
            Map.entry(16, Kind.BOOLEAN), Map.entry(21, Kind.INT16), Map.entry(23, Kind.INT32), Map.entry(20, Kind.INT64),
            Map.entry(700, Kind.FLOAT32), Map.entry(701, Kind.FLOAT64), Map.entry(1700, Kind.DECIMAL),
            Map.entry(114, Kind.JSON), Map.entry(3802, Kind.JSON), Map.entry(1184, Kind.ZONED_TIMESTAMP), Map.entry(2950, Kind.UUID));

    public ColumnType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.ARRAY) != (elementKind != null)) {
            throw new IllegalArgumentException("an array, and only an array, has an element kind");
        }
    }

    /** The kind of a scalar type by its OID (after domains), {@link Kind#COMPOSITE} when {@code composite}. */
    public static Kind kindOf(int typeOid, boolean composite) {
        return composite ? Kind.COMPOSITE : BUILT_IN.getOrDefault(typeOid, Kind.STRING);
    }
}
