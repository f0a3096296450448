package dev.pgcdc.source.trigger;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.RowChange;

import java.util.List;

/** Turns journal rows into change events. Pure: the key columns and the clock reading come in as arguments. */
final class JournalDecoder {

    private final DebeziumEnvelope envelope;

    JournalDecoder(DebeziumEnvelope envelope) {
        this.envelope = envelope;
    }

    List<ChangeEvent> decode(JournalRow row, List<String> keyColumns, long nowMillis) {
        RowChange change = new RowChange(op(row.op()), row.table(), row.oldRow(), row.newRow(),
                row.op() == 't' ? List.of() : keyColumns, row.txId(), row.committedAt().toEpochMilli(), null,
                List.of(Long.toString(row.txId()), Long.toString(row.id())), List.of(), null);
        return envelope.events(change, nowMillis, new JournalPosition(row.id()), List.of());
    }

    private static RowChange.Op op(char code) {
        return switch (code) {
            case 'c' -> RowChange.Op.CREATE;
            case 'u' -> RowChange.Op.UPDATE;
            case 'd' -> RowChange.Op.DELETE;
            case 't' -> RowChange.Op.TRUNCATE;
            default -> throw new IllegalArgumentException("unknown journal op '" + code + "'");
        };
    }
}
