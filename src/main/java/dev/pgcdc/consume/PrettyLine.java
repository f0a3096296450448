package dev.pgcdc.consume;

/**
 * {@code TIME TOPIC/PARTITION@OFFSET key=KEY OP schema.table col=value ...} with the row's columns in order;
 * for an update only the changed columns, as {@code col: old -> new}.
 */
final class PrettyLine implements ChangeFormat {

    private final Palette palette;

    PrettyLine(Palette palette) {
        this.palette = palette;
    }

    @Override
    public String format(ConsumedChange change) {
        ChangeView view = ChangeView.of(change);
        StringBuilder line = new StringBuilder()
                .append(palette.dim(change.timestamp() + " " + change.topic() + "/" + change.partition() + "@" + change.offset()))
                .append(" key=").append(change.key() == null ? "-" : change.key());
        if (view.tombstone()) {
            return line.append(' ').append(palette.dim("(tombstone)")).toString();
        }
        if (view.deadLetter() != null) {
            line.append(" [dead letter: ").append(view.deadLetter()).append(']');
        }
        if (view.raw() != null) {
            return line.append(' ').append(view.raw()).toString();
        }
        if (view.operation() != null) {
            line.append(' ').append(palette.operation(view.opCode(), view.operation())).append(' ').append(view.table());
        }
        for (ChangeView.Column column : view.columns()) {
            line.append(' ').append(column.name());
            if (column.old() != null) {
                line.append(": ").append(column.old()).append(" -> ").append(palette.changed(column.value()));
            } else {
                line.append('=').append(column.value());
            }
        }
        return line.toString();
    }
}
