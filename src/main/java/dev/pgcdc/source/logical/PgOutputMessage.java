package dev.pgcdc.source.logical;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The messages of PostgreSQL's built-in {@code pgoutput} plugin, protocol version 1 (PostgreSQL docs,
 * "Logical Replication Message Formats"). One record per message type.
 */
public sealed interface PgOutputMessage {

    /** 'B': a transaction starts; {@code finalLsn} is the LSN of its commit record. */
    record Begin(Lsn finalLsn, Instant commitTime, long xid) implements PgOutputMessage {
    }

    /** 'C': the transaction ends; {@code endLsn} is where the next transaction starts (what to confirm). */
    record Commit(int flags, Lsn commitLsn, Lsn endLsn, Instant commitTime) implements PgOutputMessage {
    }

    /** 'O': the transaction came from another node through replication. */
    record Origin(Lsn originLsn, String name) implements PgOutputMessage {
    }

    /** 'R': a table's shape, sent before the first change that uses it and again when it changes. */
    record Relation(int oid, String namespace, String name, char replicaIdentity, List<Column> columns)
            implements PgOutputMessage {
        public Relation {
            columns = List.copyOf(columns);
        }

        /** {@code namespace} is empty for pg_catalog, as the protocol sends it. */
        public String schema() {
            return namespace.isEmpty() ? "pg_catalog" : namespace;
        }
    }

    /** One column of a {@link Relation}; {@code key} when it belongs to the replica identity. */
    record Column(boolean key, String name, int typeOid, int typeModifier) {
        public Column {
            Objects.requireNonNull(name, "name");
        }
    }

    /** 'Y': a non-built-in data type used by a following Relation. */
    record Type(int oid, String namespace, String name) implements PgOutputMessage {
    }

    /** 'I'. */
    record Insert(int relationOid, List<TupleValue> newTuple) implements PgOutputMessage {
        public Insert {
            newTuple = List.copyOf(newTuple);
        }
    }

    /**
     * 'U'. {@code oldKind} is 'K' (old key columns, when the key changed), 'O' (whole old row, REPLICA
     * IDENTITY FULL) or 0 with a null {@code oldTuple} when no old image was sent.
     */
    record Update(int relationOid, char oldKind, List<TupleValue> oldTuple, List<TupleValue> newTuple)
            implements PgOutputMessage {
        public Update {
            oldTuple = oldTuple == null ? null : List.copyOf(oldTuple);
            newTuple = List.copyOf(newTuple);
        }
    }

    /** 'D'. {@code oldKind} is 'K' (key columns only) or 'O' (whole old row). */
    record Delete(int relationOid, char oldKind, List<TupleValue> oldTuple) implements PgOutputMessage {
        public Delete {
            oldTuple = List.copyOf(oldTuple);
        }
    }

    /** 'T'. */
    record Truncate(boolean cascade, boolean restartIdentity, List<Integer> relationOids) implements PgOutputMessage {
        public Truncate {
            relationOids = List.copyOf(relationOids);
        }
    }

    /** 'M': a message written with {@code pg_logical_emit_message} (option {@code messages}, PostgreSQL 14+). */
    record LogicalMessage(boolean transactional, Lsn lsn, String prefix, byte[] content) implements PgOutputMessage {
    }

    /** One column value in a tuple. */
    sealed interface TupleValue {
    }

    /** 'n': SQL NULL. */
    enum Null implements TupleValue { INSTANCE }

    /** 'u': a TOASTed value that did not change and was not sent. */
    enum UnchangedToast implements TupleValue { INSTANCE }

    /** 't': the value in the type's text output form. */
    record Text(String value) implements TupleValue {
    }

    /** 'b': the value in the type's binary form (only with the {@code binary} option, which pgcdc does not ask for). */
    record Binary(byte[] value) implements TupleValue {
    }
}
