package dev.pgcdc.source.trigger;

import dev.pgcdc.event.TableId;
import dev.pgcdc.source.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The key columns of the journal's tables, looked up by table oid (a rename does not lose them) and read
 * afresh for every batch, so a primary key added or changed is used from the next batch on. The trigger
 * mode cannot know a key as it was when a row changed: rows read after a key change carry the new key.
 */
final class PrimaryKeys {

    private static final Logger log = LoggerFactory.getLogger(PrimaryKeys.class);

    private final Map<Long, List<String>> byOid = new HashMap<>();
    private final Map<TableId, List<String>> byName = new HashMap<>();
    private final Set<TableId> reportedWithoutKey = new HashSet<>();

    /** Forgets what was looked up, at the start of a batch. */
    void refresh() {
        byOid.clear();
        byName.clear();
    }

    List<String> of(Connection connection, JournalRow row) throws SQLException {
        List<String> columns = row.tableOid() == 0
                ? lookUp(byName, row.table(), () -> Catalog.primaryKey(connection, row.table()))
                : lookUp(byOid, row.tableOid(), () -> Catalog.primaryKey(connection, row.tableOid()));
        if (columns.isEmpty() && row.op() != 't' && reportedWithoutKey.add(row.table())) {
            log.warn("Table {} has no primary key: its events carry a null key", row.table());
        }
        return columns;
    }

    private interface Lookup {
        List<String> get() throws SQLException;
    }

    private static <K> List<String> lookUp(Map<K, List<String>> cache, K key, Lookup lookup) throws SQLException {
        List<String> known = cache.get(key);
        if (known == null) {
            known = lookup.get();
            cache.put(key, known);
        }
        return known;
    }
}
