package dev.pgcdc.source.logical;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves type OIDs to {@link ValueType}s, once per type: common built-in scalars from a table, every
 * other type (domains, composites, enums, arrays of anything) from {@code pg_type} through a
 * {@link Catalog}. User types (OID 16384 and up) are looked up again after a Type or Relation message
 * names them, as an ALTER TYPE may have changed them. Used from the pipeline thread only.
 */
final class TypeResolver {

    /** The first OID PostgreSQL gives to user objects; below it, types never change. */
    private static final int FIRST_USER_OID = 16_384;
    /** Nesting deeper than this is a cycle or a corrupt catalog: render as text. */
    private static final int MAX_DEPTH = 16;

    /** One row of {@code pg_type}, as far as rendering goes. */
    record TypeRow(char type, char category, int elementOid, char delimiter, int baseTypeOid, int relationOid) {
    }

    /** Catalog reads, by OID. */
    interface Catalog {
        /** The type's row, or null when it no longer exists. */
        TypeRow type(int oid);

        /** A composite type's live attributes in order: names and type OIDs. */
        List<Map.Entry<String, Integer>> attributes(int relationOid);
    }

    private final Catalog catalog;
    private final Map<Integer, ValueType> resolved = new HashMap<>();
    /** Counts the times every resolution was forgotten: what callers cached under an older count is stale. */
    private int generation;

    TypeResolver(Catalog catalog) {
        this.catalog = catalog;
    }

    ValueType of(int oid) {
        return resolve(oid, 0);
    }

    /** A Type or Relation message named {@code oid}: resolve it afresh next time. */
    void invalidate(int oid) {
        if (Integer.compareUnsigned(oid, FIRST_USER_OID) >= 0) {
            resolved.clear(); // composites and arrays refer to each other: forget every resolution
            generation++;
        }
    }

    /** Changes each time resolutions are forgotten; types resolved under another generation must be resolved again. */
    int generation() {
        return generation;
    }

    private ValueType resolve(int oid, int depth) {
        RowEncoder.Category builtIn = RowEncoder.builtInScalar(oid);
        if (builtIn != null) {
            return ValueType.scalar(builtIn);
        }
        ValueType known = resolved.get(oid);
        if (known != null) {
            return known;
        }
        ValueType type = depth > MAX_DEPTH ? ValueType.STRING : lookUp(oid, depth);
        resolved.put(oid, type);
        return type;
    }

    private ValueType lookUp(int oid, int depth) {
        TypeRow row = catalog.type(oid);
        if (row == null) {
            return ValueType.STRING;
        }
        if (row.type() == 'd') {
            return resolve(row.baseTypeOid(), depth + 1);
        }
        if (row.category() == 'A' && row.elementOid() != 0) {
            TypeRow element = catalog.type(row.elementOid());
            return new ValueType.ArrayOf(resolve(row.elementOid(), depth + 1), element == null ? ',' : element.delimiter());
        }
        if (row.type() == 'c') {
            List<ValueType.Field> fields = new ArrayList<>();
            for (Map.Entry<String, Integer> attribute : catalog.attributes(row.relationOid())) {
                fields.add(new ValueType.Field(attribute.getKey(), resolve(attribute.getValue(), depth + 1)));
            }
            return new ValueType.Composite(fields);
        }
        return ValueType.scalar(RowEncoder.scalarCategory(oid));
    }
}
