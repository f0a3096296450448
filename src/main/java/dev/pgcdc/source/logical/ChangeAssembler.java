package dev.pgcdc.source.logical;

import dev.pgcdc.event.RowChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.logical.PgOutputMessage.Begin;
import dev.pgcdc.source.logical.PgOutputMessage.Column;
import dev.pgcdc.source.logical.PgOutputMessage.Delete;
import dev.pgcdc.source.logical.PgOutputMessage.Insert;
import dev.pgcdc.source.logical.PgOutputMessage.Relation;
import dev.pgcdc.source.logical.PgOutputMessage.Text;
import dev.pgcdc.source.logical.PgOutputMessage.Truncate;
import dev.pgcdc.source.logical.PgOutputMessage.TupleValue;
import dev.pgcdc.source.logical.PgOutputMessage.Type;
import dev.pgcdc.source.logical.PgOutputMessage.Update;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Turns decoded pgoutput messages into {@link RowChange}s: remembers relations and types, the current
 * transaction, and encodes tuples as row_to_json text, each value by its resolved type. Keys come from the stream: the Relation message
 * describes the table as it was when the change happened (its name, its replica-identity columns), the live
 * catalog only as it is now. Pure: the primary-key lookup for REPLICA IDENTITY FULL/NOTHING/INDEX tables is
 * given at construction (by OID, once per Relation message), LSNs come from the caller.
 */
final class ChangeAssembler {

    private final IntFunction<List<String>> primaryKeys;
    private final TypeResolver types;
    private final boolean transactionMetadata;
    /** Events per table in the open transaction, in first-seen order, for the END event. */
    private final Map<TableId, Long> eventsPerTable = new LinkedHashMap<>();
    private long totalOrder;
    /** Tables by relation OID, each valid until the next Relation message for that OID. */
    private final Map<Integer, Table> tables = new HashMap<>();
    /** The table of the last change: a transaction's changes mostly hit one table, so most take no map lookup. */
    private Table lastTable;
    private Begin transaction;
    private Lsn lastCommit = Lsn.ZERO;
    /** {@link #lastCommit} as {@code source.sequence} writes it, once per transaction rather than per change. */
    private String lastCommitText = "0";

    ChangeAssembler(IntFunction<List<String>> primaryKeys, TypeResolver types, boolean transactionMetadata) {
        this.primaryKeys = primaryKeys;
        this.types = types;
        this.transactionMetadata = transactionMetadata;
    }

    void relation(Relation relation) {
        tables.put(relation.oid(), new Table(relation));
        lastTable = null;
        relation.columns().forEach(column -> types.invalidate(column.typeOid()));
    }

    void type(Type type) {
        types.invalidate(type.oid());
    }

    void begin(Begin begin) {
        transaction = begin;
        eventsPerTable.clear();
        totalOrder = 0;
    }

    /** Debezium's transaction id, {@code txId:LSN}. */
    String transactionId() {
        return transaction.xid() + ":" + Long.toUnsignedString(transaction.finalLsn().value());
    }

    long transactionTimeMillis() {
        return transaction.commitTime().toEpochMilli();
    }

    /** How many events each table got in the open transaction. */
    Map<TableId, Long> eventsPerTable() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(eventsPerTable));
    }

    void commit(Lsn endLsn) {
        transaction = null;
        lastCommit(endLsn);
    }

    /** Streaming resumes after {@code lsn}, the slot's confirmed position: the last commit before what comes. */
    void resumeAfter(Lsn lsn) {
        lastCommit(lsn);
    }

    private void lastCommit(Lsn lsn) {
        if (!lsn.equals(lastCommit)) {
            lastCommit = lsn;
            lastCommitText = Long.toUnsignedString(lsn.value());
        }
    }

    /** Forgets everything, for a new stream: the server sends Relation messages again. */
    void reset() {
        tables.clear();
        lastTable = null;
        transaction = null;
    }

    RowChange insert(Insert insert, Lsn lsn) {
        Table table = table(insert.relationOid());
        Row after = encode(table, insert.newTuple(), null, false);
        return change(RowChange.Op.CREATE, table, null, after, lsn);
    }

    RowChange update(Update update, Lsn lsn) {
        Table table = table(update.relationOid());
        List<TupleValue> old = update.oldTuple();
        String before = old == null ? null : encode(table, old, null, update.oldKind() == 'K').json();
        Row after = encode(table, update.newTuple(), update.oldKind() == 'O' ? old : null, false);
        return change(RowChange.Op.UPDATE, table, before, after, lsn);
    }

    RowChange delete(Delete delete, Lsn lsn) {
        Table table = table(delete.relationOid());
        String before = encode(table, delete.oldTuple(), null, delete.oldKind() == 'K').json();
        return change(RowChange.Op.DELETE, table, before, null, lsn);
    }

    List<RowChange> truncate(Truncate truncate, Lsn lsn) {
        List<RowChange> changes = new ArrayList<>();
        for (int oid : truncate.relationOids()) {
            changes.add(change(RowChange.Op.TRUNCATE, table(oid), null, null, lsn));
        }
        return changes;
    }

    /** A change that could not be assembled, described from its raw text values for the bad-record policy. */
    record Raw(TableId table, String key, String row) {
    }

    /** The table, key and row of a row message as raw column text, without encoding any value. */
    Raw raw(int relationOid, List<TupleValue> tuple) {
        Table table = tables.get(relationOid);
        if (table == null) {
            return new Raw(new TableId("unknown", Integer.toUnsignedString(relationOid)), null, null);
        }
        Relation relation = table.relation;
        StringBuilder key = new StringBuilder("{");
        StringBuilder row = new StringBuilder("{");
        for (int i = 0; i < relation.columns().size() && i < tuple.size(); i++) {
            Column column = relation.columns().get(i);
            StringBuilder json = new StringBuilder();
            RowEncoder.appendString(json, column.name());
            json.append(':');
            if (tuple.get(i) instanceof Text text) {
                RowEncoder.appendString(json, text.value());
            } else {
                json.append("null");
            }
            row.append(row.length() > 1 ? "," : "").append(json);
            if (column.key()) {
                key.append(key.length() > 1 ? "," : "").append(json);
            }
        }
        return new Raw(new TableId(relation.schema(), relation.name()), key.length() > 1 ? key.append('}').toString() : null,
                row.append('}').toString());
    }

    private RowChange change(RowChange.Op op, Table table, String before, Row after, Lsn lsn) {
        if (transaction == null) {
            throw new IllegalStateException("a change arrived outside a transaction");
        }
        TableId id = table.id();
        RowChange.Transaction position = null;
        if (transactionMetadata) {
            long perTable = eventsPerTable.merge(id, 1L, Long::sum);
            position = new RowChange.Transaction(transactionId(), ++totalOrder, perTable);
        }
        List<String> keys = op == RowChange.Op.TRUNCATE ? List.of() : table.keys();
        return new RowChange(op, id, before, after == null ? null : after.json(), keys, transaction.xid(),
                transaction.commitTime().toEpochMilli(), lsn.value(), List.of(lastCommitText, Long.toUnsignedString(lsn.value())),
                after == null ? List.of() : after.unavailable(), position);
    }

    /**
     * The primary key. Under REPLICA IDENTITY DEFAULT the Relation's key flags are exactly the primary key
     * at the time of the change; under FULL (every column flagged) and NOTHING it is looked up by OID; under
     * USING INDEX the primary key when there is one, else the index's columns.
     */
    private List<String> keyColumns(Relation relation) {
        List<String> flagged = relation.columns().stream().filter(Column::key).map(Column::name).toList();
        if (relation.replicaIdentity() == 'd') {
            return flagged;
        }
        List<String> primaryKey = primaryKeys.apply(relation.oid());
        if (!primaryKey.isEmpty() || relation.replicaIdentity() != 'i') {
            return primaryKey;
        }
        return flagged;
    }

    private Table table(int oid) {
        Table last = lastTable;
        if (last != null && last.relation.oid() == oid) {
            return last;
        }
        Table table = tables.get(oid);
        if (table == null) {
            throw new IllegalStateException("change for relation " + oid + " before its Relation message");
        }
        lastTable = table;
        return table;
    }

    /**
     * A table as its last Relation message describes it, with what the changes need from that description worked
     * out once rather than per change: its id, its key columns, its columns' value types.
     */
    private final class Table {
        final Relation relation;
        private TableId id;
        private List<String> keys;
        private String[] names;
        private ValueType[] valueTypes;
        private int typesGeneration;

        Table(Relation relation) {
            this.relation = relation;
        }

        TableId id() {
            if (id == null) {
                id = new TableId(relation.schema(), relation.name());
            }
            return id;
        }

        List<String> keys() {
            if (keys == null) {
                keys = List.copyOf(keyColumns(relation)); // an immutable copy, which RowChange then takes as it is
            }
            return keys;
        }

        /** The column's name as it starts its member of a row's JSON: {@code "name":}, escaped once. */
        String name(int column) {
            if (names == null) {
                names = new String[relation.columns().size()];
                for (int i = 0; i < names.length; i++) {
                    StringBuilder name = new StringBuilder();
                    RowEncoder.appendString(name, relation.columns().get(i).name());
                    names[i] = name.append(':').toString();
                }
            }
            return names[column];
        }

        /** A Type or Relation message may have changed a user type: resolutions made before it are resolved again. */
        ValueType type(int column) {
            if (valueTypes == null || typesGeneration != types.generation()) {
                valueTypes = new ValueType[relation.columns().size()];
                typesGeneration = types.generation();
            }
            ValueType type = valueTypes[column];
            if (type == null) {
                type = types.of(relation.columns().get(column).typeOid());
                valueTypes[column] = type;
            }
            return type;
        }
    }

    private record Row(String json, List<String> unavailable) {
    }

    /**
     * Encodes a tuple in column order. {@code keyOnly}: a 'K' old tuple, of which only key columns are real.
     * {@code old}: a full old row to take unchanged TOASTed values from.
     */
    private Row encode(Table table, List<TupleValue> tuple, List<TupleValue> old, boolean keyOnly) {
        List<Column> columns = table.relation.columns();
        StringBuilder json = new StringBuilder(64 * tuple.size());
        List<String> unavailable = List.of();
        json.append('{');
        boolean first = true;
        for (int i = 0; i < columns.size() && i < tuple.size(); i++) {
            Column column = columns.get(i);
            if (keyOnly && !column.key()) {
                continue;
            }
            TupleValue value = tuple.get(i);
            if (value instanceof PgOutputMessage.UnchangedToast) {
                TupleValue previous = old == null ? null : old.get(i);
                if (previous == null || previous instanceof PgOutputMessage.UnchangedToast) {
                    unavailable = unavailable.isEmpty() ? new ArrayList<>() : unavailable;
                    unavailable.add(column.name());
                    continue;
                }
                value = previous;
            }
            if (!first) {
                json.append(',');
            }
            first = false;
            json.append(table.name(i));
            if (value instanceof Text text) {
                RowEncoder.appendTyped(json, text.value(), table.type(i));
            } else {
                json.append("null"); // SQL NULL; pgcdc never asks for binary values
            }
        }
        return new Row(json.append('}').toString(), unavailable);
    }
}
