package dev.pgcdc.consume;

import dev.pgcdc.config.ConsumeConfig;

import java.util.Set;

/**
 * {@code consume --table/--op}: which records to show. A table is named {@code schema.table} or just
 * {@code table}; a tombstone, which names no table, is matched by its topic and counts as a delete.
 */
record ChangeFilter(Set<String> tables, Set<String> ops) {

    static ChangeFilter of(ConsumeConfig config) {
        return new ChangeFilter(config.tables(), config.ops());
    }

    boolean accepts(ConsumedChange change) {
        if (tables.isEmpty() && ops.isEmpty()) {
            return true;
        }
        ChangeView view = ChangeView.of(change);
        if (view.tombstone()) {
            return (ops.isEmpty() || ops.contains("d"))
                    && (tables.isEmpty() || tables.stream().anyMatch(table -> change.topic().endsWith("." + table)));
        }
        if (view.opCode() == null) {
            return false;
        }
        return (ops.isEmpty() || ops.contains(view.opCode()))
                && (tables.isEmpty() || tables.contains(view.table()) || tables.contains(view.table().substring(view.table().indexOf('.') + 1)));
    }
}
