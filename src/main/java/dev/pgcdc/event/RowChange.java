package dev.pgcdc.event;

import java.util.List;
import java.util.Objects;

/**
 * One captured row change, whichever mode captured it. Row images are JSON text exactly as PostgreSQL's
 * {@code row_to_json} writes them, so values stay exact and identical across modes.
 *
 * @param op            what happened
 * @param table         where
 * @param before        the old row, or null (inserts, truncates, or no old image available)
 * @param after         the new row, or null (deletes, truncates)
 * @param keyColumns    the primary-key columns in key order; empty for a table without primary key
 * @param txId          the PostgreSQL transaction id
 * @param sourceTsMillis when the change happened in the database, epoch milliseconds
 * @param lsn           the change's WAL position, or null when the mode does not know it
 * @param sequence      Debezium's {@code source.sequence}: positions that order events, as text
 * @param unavailableColumns columns left out of {@code after} because their unchanged TOASTed value was not
 *                      sent and no old image held it; never filled with a made-up value
 * @param transaction   the change's place in its transaction, or null when transaction metadata is off
 */
public record RowChange(Op op, TableId table, String before, String after, List<String> keyColumns, long txId,
                        long sourceTsMillis, Long lsn, List<String> sequence, List<String> unavailableColumns,
                        Transaction transaction) {

    /** Debezium's {@code transaction} block: the transaction id and this change's order in it, overall and per table. */
    public record Transaction(String id, long totalOrder, long dataCollectionOrder) {
    }

    /** Debezium's operation codes. */
    public enum Op {
        CREATE("c"), UPDATE("u"), DELETE("d"), TRUNCATE("t"),
        /** A row read by a snapshot: {@code after} is the row as it was read. */
        READ("r");

        private final String code;

        Op(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    public RowChange {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(table, "table");
        keyColumns = List.copyOf(keyColumns);
        sequence = List.copyOf(sequence);
        unavailableColumns = List.copyOf(unavailableColumns);
        if ((op == Op.CREATE || op == Op.READ) && after == null || op == Op.DELETE && before == null) {
            throw new IllegalArgumentException(op + " needs its row image");
        }
    }
}
