package dev.pgcdc.source.logical;

import dev.pgcdc.source.logical.PgOutputMessage.Begin;
import dev.pgcdc.source.logical.PgOutputMessage.Binary;
import dev.pgcdc.source.logical.PgOutputMessage.Column;
import dev.pgcdc.source.logical.PgOutputMessage.Commit;
import dev.pgcdc.source.logical.PgOutputMessage.Delete;
import dev.pgcdc.source.logical.PgOutputMessage.Insert;
import dev.pgcdc.source.logical.PgOutputMessage.LogicalMessage;
import dev.pgcdc.source.logical.PgOutputMessage.Origin;
import dev.pgcdc.source.logical.PgOutputMessage.Relation;
import dev.pgcdc.source.logical.PgOutputMessage.Text;
import dev.pgcdc.source.logical.PgOutputMessage.Truncate;
import dev.pgcdc.source.logical.PgOutputMessage.TupleValue;
import dev.pgcdc.source.logical.PgOutputMessage.Type;
import dev.pgcdc.source.logical.PgOutputMessage.Update;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes pgoutput protocol version 1: the first byte names the message, one method per message. Pure:
 * bytes in, a message out; no JDBC, no clock.
 */
public final class PgOutputDecoder {

    /** PostgreSQL timestamps count microseconds from 2000-01-01 00:00 UTC. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    /**
     * Whether {@code message} lets the pipeline hand something over: a commit ends a transaction, and a logical
     * message may stand outside any. Looks at the type byte only; the buffer's position is left as it is.
     */
    public static boolean endsWork(ByteBuffer message) {
        byte type = message.get(message.position());
        return type == 'C' || type == 'M';
    }

    public PgOutputMessage decode(ByteBuffer buffer) {
        byte type = buffer.get();
        return switch (type) {
            case 'B' -> new Begin(lsn(buffer), timestamp(buffer), Integer.toUnsignedLong(buffer.getInt()));
            case 'C' -> new Commit(buffer.get(), lsn(buffer), lsn(buffer), timestamp(buffer));
            case 'O' -> new Origin(lsn(buffer), string(buffer));
            case 'R' -> relation(buffer);
            case 'Y' -> new Type(buffer.getInt(), string(buffer), string(buffer));
            case 'I' -> insert(buffer);
            case 'U' -> update(buffer);
            case 'D' -> delete(buffer);
            case 'T' -> truncate(buffer);
            case 'M' -> message(buffer);
            default -> throw new IllegalArgumentException("unknown pgoutput message type '" + (char) type + "' (0x"
                    + Integer.toHexString(type & 0xFF) + ")");
        };
    }

    private static Relation relation(ByteBuffer buffer) {
        int oid = buffer.getInt();
        String namespace = string(buffer);
        String name = string(buffer);
        char replicaIdentity = (char) buffer.get();
        int count = Short.toUnsignedInt(buffer.getShort());
        List<Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean key = (buffer.get() & 1) != 0;
            columns.add(new Column(key, string(buffer), buffer.getInt(), buffer.getInt()));
        }
        return new Relation(oid, namespace, name, replicaIdentity, columns);
    }

    private static Insert insert(ByteBuffer buffer) {
        int oid = buffer.getInt();
        expect(buffer, 'N', "Insert");
        return new Insert(oid, tuple(buffer));
    }

    private static Update update(ByteBuffer buffer) {
        int oid = buffer.getInt();
        char marker = (char) buffer.get();
        char oldKind = 0;
        List<TupleValue> oldTuple = null;
        if (marker == 'K' || marker == 'O') {
            oldKind = marker;
            oldTuple = tuple(buffer);
            marker = (char) buffer.get();
        }
        if (marker != 'N') {
            throw new IllegalArgumentException("Update: expected 'N' before the new tuple, got '" + marker + "'");
        }
        return new Update(oid, oldKind, oldTuple, tuple(buffer));
    }

    private static Delete delete(ByteBuffer buffer) {
        int oid = buffer.getInt();
        char kind = (char) buffer.get();
        if (kind != 'K' && kind != 'O') {
            throw new IllegalArgumentException("Delete: expected 'K' or 'O', got '" + kind + "'");
        }
        return new Delete(oid, kind, tuple(buffer));
    }

    private static Truncate truncate(ByteBuffer buffer) {
        int count = buffer.getInt();
        byte options = buffer.get();
        List<Integer> oids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            oids.add(buffer.getInt());
        }
        return new Truncate((options & 1) != 0, (options & 2) != 0, oids);
    }

    private static LogicalMessage message(ByteBuffer buffer) {
        boolean transactional = (buffer.get() & 1) != 0;
        Lsn lsn = lsn(buffer);
        String prefix = string(buffer);
        byte[] content = new byte[buffer.getInt()];
        buffer.get(content);
        return new LogicalMessage(transactional, lsn, prefix, content);
    }

    private static List<TupleValue> tuple(ByteBuffer buffer) {
        int count = Short.toUnsignedInt(buffer.getShort());
        List<TupleValue> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            char kind = (char) buffer.get();
            values.add(switch (kind) {
                case 'n' -> PgOutputMessage.Null.INSTANCE;
                case 'u' -> PgOutputMessage.UnchangedToast.INSTANCE;
                case 't' -> new Text(text(buffer));
                case 'b' -> new Binary(bytes(buffer));
                default -> throw new IllegalArgumentException("unknown tuple value kind '" + kind + "'");
            });
        }
        return values;
    }

    /** A length-prefixed UTF-8 value, decoded in place: no copy of its bytes first. */
    private static String text(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new BufferUnderflowException();
        }
        int start = buffer.position();
        buffer.position(start + length);
        return new String(buffer.array(), buffer.arrayOffset() + start, length, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] value = new byte[buffer.getInt()];
        buffer.get(value);
        return value;
    }

    private static void expect(ByteBuffer buffer, char expected, String message) {
        char actual = (char) buffer.get();
        if (actual != expected) {
            throw new IllegalArgumentException(message + ": expected '" + expected + "', got '" + actual + "'");
        }
    }

    private static Lsn lsn(ByteBuffer buffer) {
        return new Lsn(buffer.getLong());
    }

    private static Instant timestamp(ByteBuffer buffer) {
        long micros = buffer.getLong();
        return Instant.ofEpochSecond(POSTGRES_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /** A null-terminated UTF-8 string (the protocol's "String"). */
    private static String string(ByteBuffer buffer) {
        int start = buffer.position();
        int end = start;
        while (buffer.get(end) != 0) {
            end++;
        }
        String value = new String(buffer.array(), buffer.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
        buffer.position(end + 1);
        return value;
    }
}
