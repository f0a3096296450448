package dev.pgcdc.source.trigger;

import dev.pgcdc.source.Catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The columns of the journal's tables that are or hold {@code timestamptz}, whose values
 * {@link dev.pgcdc.event.ZonedTimestamps} rewrites: row_to_json carries no types. Read afresh for every
 * batch, like {@link PrimaryKeys}, so an added or altered column is known from the next batch on.
 */
final class ZonedColumns {

    private final Map<Object, Set<String>> byTable = new HashMap<>();

    /** Forgets what was looked up, at the start of a batch. */
    void refresh() {
        byTable.clear();
    }

    Set<String> of(Connection connection, JournalRow row) throws SQLException {
        Object table = row.tableOid() == 0 ? row.table() : row.tableOid();
        Set<String> known = byTable.get(table);
        if (known == null) {
            known = Set.copyOf(row.tableOid() == 0
                    ? Catalog.zonedTimestampColumns(connection, row.table())
                    : Catalog.zonedTimestampColumns(connection, row.tableOid()));
            byTable.put(table, known);
        }
        return known;
    }
}
