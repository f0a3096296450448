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
    /** Primary keys by relation OID, valid until the next Relation message for that OID. */
    private final Map<Integer, List<String>> keysByRelation = new HashMap<>();
    private final boolean transactionMetadata;
    /** Events per table in the open transaction, in first-seen order, for the END event. */
    private final Map<TableId, Long> eventsPerTable = new LinkedHashMap<>();
    private long totalOrder;
    private final Map<Integer, Relation> relations = new HashMap<>();
    private Begin transaction;
    private Lsn lastCommit = Lsn.ZERO;

    ChangeAssembler(IntFunction<List<String>> primaryKeys, TypeResolver types, boolean transactionMetadata) {
        this.primaryKeys = primaryKeys;
        this.types = types;
        this.transactionMetadata = transactionMetadata;
    }

    void relation(Relation relation) {
        relations.put(relation.oid(), relation);
        keysByRelation.remove(relation.oid());
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
        lastCommit = endLsn;
    }

    /** Streaming resumes after {@code lsn}, the slot's confirmed position: the last commit before what comes. */
    void resumeAfter(Lsn lsn) {
        lastCommit = lsn;
    }

    /** Forgets everything, for a new stream: the server sends Relation messages again. */
    void reset() {
        relations.clear();
        keysByRelation.clear();
        transaction = null;
    }

    RowChange insert(Insert insert, Lsn lsn) {
        Relation relation = relation(insert.relationOid());
        Row after = encode(relation, insert.newTuple(), null, false);
        return change(RowChange.Op.CREATE, relation, null, after, lsn);
    }

    RowChange update(Update update, Lsn lsn) {
        Relation relation = relation(update.relationOid());
        List<TupleValue> old = update.oldTuple();
        String before = old == null ? null : encode(relation, old, null, update.oldKind() == 'K').json();
        Row after = encode(relation, update.newTuple(), update.oldKind() == 'O' ? old : null, false);
        return change(RowChange.Op.UPDATE, relation, before, after, lsn);
    }

    RowChange delete(Delete delete, Lsn lsn) {
        Relation relation = relation(delete.relationOid());
        String before = encode(relation, delete.oldTuple(), null, delete.oldKind() == 'K').json();
        return change(RowChange.Op.DELETE, relation, before, null, lsn);
    }

    List<RowChange> truncate(Truncate truncate, Lsn lsn) {
        List<RowChange> changes = new ArrayList<>();
        for (int oid : truncate.relationOids()) {
            changes.add(change(RowChange.Op.TRUNCATE, relation(oid), null, null, lsn));
        }
        return changes;
    }

    /** A change that could not be assembled, described from its raw text values for the bad-record policy. */
    record Raw(TableId table, String key, String row) {
    }

    /** The table, key and row of a row message as raw column text, without encoding any value. */
    Raw raw(int relationOid, List<TupleValue> tuple) {
        Relation relation = relations.get(relationOid);
        if (relation == null) {
            return new Raw(new TableId("unknown", Integer.toUnsignedString(relationOid)), null, null);
        }
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

    private RowChange change(RowChange.Op op, Relation relation, String before, Row after, Lsn lsn) {
        if (transaction == null) {
            throw new IllegalStateException("a change arrived outside a transaction");
        }
        TableId table = new TableId(relation.schema(), relation.name());
        RowChange.Transaction position = null;
        if (transactionMetadata) {
            long perTable = eventsPerTable.merge(table, 1L, Long::sum);
            position = new RowChange.Transaction(transactionId(), ++totalOrder, perTable);
        }
        List<String> keys = op == RowChange.Op.TRUNCATE ? List.of()
                : keysByRelation.computeIfAbsent(relation.oid(), oid -> keyColumns(relation));
        return new RowChange(op, table, before, after == null ? null : after.json(), keys, transaction.xid(),
                transaction.commitTime().toEpochMilli(), lsn.value(),
                List.of(Long.toUnsignedString(lastCommit.value()), Long.toUnsignedString(lsn.value())),
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

    private Relation relation(int oid) {
        Relation relation = relations.get(oid);
        if (relation == null) {
            throw new IllegalStateException("change for relation " + oid + " before its Relation message");
        }
        return relation;
    }

    private record Row(String json, List<String> unavailable) {
    }

    /**
     * Encodes a tuple in column order. {@code keyOnly}: a 'K' old tuple, of which only key columns are real.
     * {@code old}: a full old row to take unchanged TOASTed values from.
     */
    private Row encode(Relation relation, List<TupleValue> tuple, List<TupleValue> old, boolean keyOnly) {
        StringBuilder json = new StringBuilder(64 * tuple.size());
        List<String> unavailable = new ArrayList<>(0);
        json.append('{');
        boolean first = true;
        for (int i = 0; i < relation.columns().size() && i < tuple.size(); i++) {
            Column column = relation.columns().get(i);
            if (keyOnly && !column.key()) {
                continue;
            }
            TupleValue value = tuple.get(i);
            if (value instanceof PgOutputMessage.UnchangedToast) {
                TupleValue previous = old == null ? null : old.get(i);
                if (previous == null || previous instanceof PgOutputMessage.UnchangedToast) {
                    unavailable.add(column.name());
                    continue;
                }
                value = previous;
            }
            if (!first) {
                json.append(',');
            }
            first = false;
            RowEncoder.appendString(json, column.name());
            json.append(':');
            appendValue(json, column.typeOid(), value);
        }
        return new Row(json.append('}').toString(), unavailable);
    }

    private void appendValue(StringBuilder json, int typeOid, TupleValue value) {
        if (!(value instanceof Text text)) {
            json.append("null"); // SQL NULL; pgcdc never asks for binary values
            return;
        }
        RowEncoder.appendTyped(json, text.value(), types.of(typeOid));
    }
}
