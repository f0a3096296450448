package dev.pgcdc.source.trigger;

import dev.pgcdc.source.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What decoding needs of the journal's tables, by table oid (a rename does not lose it): the primary-key
 * columns, and the columns that are or hold {@code timestamptz}, whose values {@link dev.pgcdc.event.ZonedTimestamps}
 * rewrites (row_to_json carries no types). Looked up once per table and kept while the catalog rows they were read
 * from stay the same: each batch's first query compares those rows' versions (their {@code ctid} and {@code xmin},
 * which every insert, update or delete of a catalog row changes) with the ones recorded here, and a difference
 * forgets every definition. So a key added or a column altered is used from the first batch whose snapshot sees
 * the change, as when the definitions were read afresh for every batch, at a catalog comparison instead of two
 * lookups per table and batch. The rows compared are the {@code pg_attribute} and {@code pg_index} rows of the
 * table and of every composite type its columns hold (a composite's new timestamptz field counts too).
 * The trigger mode cannot know a key as it was when a row changed: rows read after a key change carry the new key.
 */
final class TableDefinitions {

    private static final Logger log = LoggerFactory.getLogger(TableDefinitions.class);

    /** The versions of the catalog rows a definition depends on, for the relation {@code %1$s}; null when it is gone. */
    static final String CATALOG_VERSION = """
            (SELECT string_agg(a.ctid::text || a.xmin::text, ',' ORDER BY a.attnum) FROM pg_attribute a
             WHERE a.attrelid = %1$s AND a.attnum > 0)
            || ';' || coalesce((SELECT string_agg(i.ctid::text || i.xmin::text, ',' ORDER BY i.indexrelid) FROM pg_index i
                                WHERE i.indrelid = %1$s), '')""";

    /** Whether any of the relations given, with the versions given, changed since. */
    static final String CHANGED = "EXISTS (SELECT FROM unnest(?::bigint[], ?::text[]) AS known(relid, version) WHERE "
            + CATALOG_VERSION.formatted("known.relid::oid") + " IS DISTINCT FROM known.version)";

    /**
     * A table's definition in one query: its key columns in key order ({@code k}), its columns that are or hold
     * timestamptz ({@code z}; domains are followed to their base type, arrays to their element type, composites to
     * their fields), and the relations the two depend on with their catalog versions ({@code r}).
     */
    private static final String LOOK_UP = """
            WITH RECURSIVE %s, relations(relid) AS (
                SELECT ?::oid
                UNION SELECT t.typrelid FROM holds h JOIN pg_type t ON t.oid = h.typid WHERE t.typtype = 'c'
            )
            SELECT 'k', a.attname::text, array_position(i.indkey::int2[], a.attnum)
            FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
            WHERE i.indrelid = ?::oid AND i.indisprimary
            UNION ALL SELECT DISTINCT 'z', attname::text, 0 FROM holds WHERE typid = 'timestamptz'::regtype
            UNION ALL SELECT 'r', relid::bigint::text || '/' || coalesce(%s, ''), 0 FROM relations
            ORDER BY 1, 3""".formatted(Catalog.typesHeldByColumns("?::oid"), CATALOG_VERSION.formatted("relations.relid"));

    /** A table's key columns in key order (empty: no key, or no table) and its columns that are or hold timestamptz. */
    record Definition(List<String> keyColumns, Set<String> zonedColumns) {
    }

    private final Map<Long, Definition> byOid = new HashMap<>();
    /** The catalog version of every relation a definition held here depends on, by relation oid. */
    private final Map<Long, String> versions = new LinkedHashMap<>();
    private final Set<Long> reportedWithoutKey = new HashSet<>();

    /** The relations whose catalog versions a batch compares, in the order of {@link #versions()}. */
    Long[] relations() {
        return versions.keySet().toArray(Long[]::new);
    }

    String[] versions() {
        return versions.values().toArray(String[]::new);
    }

    /** The catalog changed since some definition was read: every one is read again when next needed. */
    void forgetAll() {
        byOid.clear();
        versions.clear();
    }

    Definition of(Connection connection, JournalRow row) throws SQLException {
        Definition definition = byOid.get(row.tableOid());
        if (definition == null) {
            definition = lookUp(connection, row.tableOid());
            byOid.put(row.tableOid(), definition);
        }
        if (definition.keyColumns().isEmpty() && row.op() != 't' && reportedWithoutKey.add(row.tableOid())) {
            log.warn("Table {} has no primary key: its events carry a null key", row.table());
        }
        return definition;
    }

    private Definition lookUp(Connection connection, long tableOid) throws SQLException {
        List<String> keyColumns = new ArrayList<>();
        Set<String> zonedColumns = new HashSet<>();
        try (PreparedStatement query = connection.prepareStatement(LOOK_UP)) {
            query.setLong(1, tableOid);
            query.setLong(2, tableOid);
            query.setLong(3, tableOid);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String value = rows.getString(2);
                    switch (rows.getString(1)) {
                        case "k" -> keyColumns.add(value);
                        case "z" -> zonedColumns.add(value);
                        default -> {
                            int slash = value.indexOf('/');
                            String version = value.substring(slash + 1);
                            versions.put(Long.parseLong(value.substring(0, slash)), version.isEmpty() ? null : version);
                        }
                    }
                }
            }
        }
        return new Definition(List.copyOf(keyColumns), Set.copyOf(zonedColumns));
    }
}
