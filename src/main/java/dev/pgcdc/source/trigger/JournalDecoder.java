package dev.pgcdc.source.trigger;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.RowChange;
import dev.pgcdc.event.SkippedOperations;
import dev.pgcdc.event.ZonedTimestamps;

import java.util.List;
import java.util.Set;

/** Turns journal rows into change events. Pure: the key columns, the timestamptz columns and the clock reading come in as arguments. */
final class JournalDecoder {

    private final DebeziumEnvelope envelope;
    private final SkippedOperations skipped;

    JournalDecoder(DebeziumEnvelope envelope, SkippedOperations skipped) {
        this.envelope = envelope;
        this.skipped = skipped;
    }

    /** Whether the row's change is one {@code --skipped-operations} leaves out: {@link #decode} gives it no event. */
    boolean skips(JournalRow row) {
        return skipped.skips(op(row.op()));
    }

    /**
     * @param zonedColumns the row's columns that are or hold timestamptz: the journal holds row_to_json in
     *                     UTC ({@code +00:00}), events carry {@code Z}
     */
    List<ChangeEvent> decode(JournalRow row, List<String> keyColumns, Set<String> zonedColumns, long nowMillis) {
        if (skips(row)) {
            return List.of();
        }
        RowChange change = new RowChange(op(row.op()), row.table(),
                ZonedTimestamps.inColumns(row.oldRow(), zonedColumns), ZonedTimestamps.inColumns(row.newRow(), zonedColumns),
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
