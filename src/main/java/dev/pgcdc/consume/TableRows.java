package dev.pgcdc.consume;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One aligned row per change under a header, for watching a stream: time, operation, table, key, and the
 * columns (changed ones for an update). Long cells are cut with {@code …} so the columns stay aligned.
 */
final class TableRows implements ChangeFormat {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final String ROW = "%-12s  %-8s  %-24s  %-20s  %s";

    private final Palette palette;

    TableRows(Palette palette) {
        this.palette = palette;
    }

    @Override
    public String header() {
        return String.format(ROW, "TIME (UTC)", "OP", "TABLE", "KEY", "CHANGE").stripTrailing();
    }

    @Override
    public String format(ConsumedChange change) {
        ChangeView view = ChangeView.of(change);
        String op = view.tombstone() ? "-" : view.operation() != null ? view.operation() : view.deadLetter() != null ? "DLQ" : "VALUE";
        StringBuilder changes = new StringBuilder();
        if (view.tombstone()) {
            changes.append("(tombstone)");
        } else if (view.raw() != null) {
            changes.append(view.raw());
        }
        for (ChangeView.Column column : view.columns()) {
            if (!changes.isEmpty()) {
                changes.append("  ");
            }
            changes.append(column.name());
            changes.append(column.old() != null ? ": " + column.old() + " -> " + palette.changed(column.value()) : "=" + column.value());
        }
        // Pad the plain text first, then color it: escape codes would count as width.
        String paddedOp = String.format("%-8s", cut(op, 8));
        return String.format("%-12s  %s  %-24s  %-20s  %s", TIME.format(change.timestamp()), palette.operation(view.opCode(), paddedOp),
                cut(view.table() != null ? view.table() : change.topic(), 24), cut(change.key() == null ? "-" : change.key(), 20), changes)
                .stripTrailing();
    }

    private static String cut(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}
