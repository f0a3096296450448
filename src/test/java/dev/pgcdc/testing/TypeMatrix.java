package dev.pgcdc.testing;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.event.TableId;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One row holding every type the capture modes must encode as row_to_json does (domains, composites, arrays
 * of every element kind including box's ';' delimiter, BC and far-future timestamps among them), written from a session
 * whose time zone and interval style differ from the defaults, so nothing may depend on the writer's settings.
 */
public final class TypeMatrix {

    public static final TableId TABLE = new TableId("public", "everything");

    private TypeMatrix() {
    }

    public static void create(DatabaseConfig database) {
        TestServices.execute(database, """
                CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
                CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
                CREATE TYPE pair AS (a integer, b text);
                CREATE TYPE wrap AS (p pair, n numeric);
                CREATE TABLE public.everything (
                    id bigint PRIMARY KEY, s smallint, i integer, b bigint, n numeric, n2 numeric(30,10),
                    r real, d double precision, r_nan real, d_inf double precision, d_ninf double precision,
                    flag boolean, t text, bin bytea, day date, at_time time, at_timetz timetz,
                    ts timestamp, tstz timestamptz, span interval, u uuid, j json, jb jsonb,
                    ints int[], texts text[], stamps timestamptz[], feeling mood, feelings mood[], nothing text,
                    dom posint, doms posint[], duo pair, duos pair[], wrapped wrap, ranges int4range[], boxes box[],
                    points point[], lsns pg_lsn[], xmls xml[], bc_tstz timestamptz, far_tstz timestamptz,
                    looks_like_tstz text)""");
    }

    public static void insertFromAForeignSession(DatabaseConfig database) {
        TestServices.execute(database, """
                SET TIME ZONE 'America/Sao_Paulo';
                SET IntervalStyle = 'iso_8601';
                INSERT INTO everything VALUES (1, -32768, 2147483647, 9223372036854775807,
                    123456789012345678901234567890.123456789, 12345678901234567890.0123456789,
                    3.14, 2.718281828459045, 'NaN', 'Infinity', '-Infinity',
                    true, E'unicode ✓ "quotes" \\\\ back\\nline\\ttab', '\\xDEADBEEF', '2024-02-29', '23:59:59.999999',
                    '12:00+03', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.5+02', '1 year 2 mons 3 days 04:05:06.7',
                    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b": 1, "a": [1.50, null]}', '{"b": 1, "a": [1.50, null]}',
                    ARRAY[1, NULL, 3], ARRAY['x', 'y "z"', NULL, 'NULL'], ARRAY['2024-01-01 10:00:00+01'::timestamptz],
                    'happy', ARRAY['sad', 'ok']::mood[], NULL,
                    5, ARRAY[1, 2]::posint[], ROW(1, 'q')::pair, ARRAY[ROW(1, 'x y'), ROW(NULL, ''), NULL]::pair[],
                    ROW(ROW(1, 'say "hi", \\ ok'), 1.5)::wrap, ARRAY['[1,3)', 'empty']::int4range[],
                    ARRAY[box '((0,0),(1,1))', box '((2,2),(3,3))'], ARRAY[point '(1,2)', NULL], ARRAY['0/16B3748'::pg_lsn], ARRAY['<a x="1">t</a>'::xml],
                    '0044-03-15 12:00:00+00 BC', '10000-01-01 00:00:00+00',
                    '2024-01-01T00:00:00+00:00')""");
    }

    /**
     * The reference: {@code row_to_json} of the row, read in UTC with default output settings, after pgcdc's
     * one documented normalisation: timestamptz values end in {@code Z}, not {@code +00:00}. Spelled out
     * here, column by column, independently of the product's code; {@code looks_like_tstz} (text) keeps its
     * {@code +00:00}.
     */
    public static String rowToJson(DatabaseConfig database) throws SQLException {
        String reference = rowToJsonAsPostgresqlWritesIt(database);
        String normalised = reference
                .replaceFirst("(\"tstz\":\"[^\"]+)\\+00:00\"", "$1Z\"")
                .replaceFirst("(\"bc_tstz\":\"[^\"]+)\\+00:00 BC\"", "$1Z BC\"")
                .replaceFirst("(\"far_tstz\":\"[^\"]+)\\+00:00\"", "$1Z\"")
                .replaceFirst("(\"stamps\":\\[\"[^\"]+)\\+00:00\"", "$1Z\"");
        if (normalised.split("\\+00:00", -1).length != 2) { // only looks_like_tstz keeps one
            throw new IllegalStateException("the type matrix changed: update its normalisation " + normalised);
        }
        return normalised;
    }

    /** {@code row_to_json} of the row, read in UTC with default output settings. */
    public static String rowToJsonAsPostgresqlWritesIt(DatabaseConfig database) throws SQLException {
        try (Connection connection = TestServices.connect(database); Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            try (ResultSet rs = statement.executeQuery("SELECT row_to_json(e)::text FROM everything e")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** The {@code after} object exactly as it stands in an event's text. */
    public static String afterText(String event) {
        int start = event.indexOf("\"after\":") + "\"after\":".length();
        return event.substring(start, event.indexOf(",\"source\":"));
    }
}
