package dev.pgcdc.event;

import dev.pgcdc.error.CdcException;

/** How keys and values are written: plain JSON, or Kafka Connect's JsonConverter form with a schema. */
public enum ValueFormat {
    /** The event's JSON as it is. */
    JSON,
    /** {@code {"schema":…,"payload":…}}, what Kafka Connect's {@code JsonConverter} reads with {@code schemas.enable=true}. */
    JSON_WITH_SCHEMA;

    /** Reads {@code json} or {@code json-with-schema}; null means json. */
    public static ValueFormat parse(String text, String flag) {
        if (text == null || text.equals("json")) {
            return JSON;
        }
        if (text.equals("json-with-schema")) {
            return JSON_WITH_SCHEMA;
        }
        throw new CdcException(CdcException.Kind.CONFIGURATION, flag + " must be json or json-with-schema, not '" + text + "'");
    }
}
