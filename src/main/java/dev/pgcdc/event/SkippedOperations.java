package dev.pgcdc.event;

import dev.pgcdc.error.CdcException;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Debezium's {@code skipped.operations}: the kinds of change that are not published ({@code c}, {@code u},
 * {@code d}, {@code t}), none by default. A skipped change still moves the source's position on; the
 * sources count skipped truncates aloud, as a skipped truncate leaves rows downstream that the source no
 * longer has.
 */
public record SkippedOperations(Set<RowChange.Op> ops) {

    public static final SkippedOperations NONE = new SkippedOperations(Set.of());

    public SkippedOperations {
        ops = ops.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(ops));
    }

    /**
     * Reads {@code --skipped-operations}: a comma-separated list of {@code c}, {@code u}, {@code d}, {@code t},
     * or {@code none}; null means none.
     */
    public static SkippedOperations parse(String text) {
        if (text == null || text.strip().equals("none")) {
            return NONE;
        }
        Set<RowChange.Op> ops = EnumSet.noneOf(RowChange.Op.class);
        for (String code : text.split(",", -1)) {
            ops.add(op(code.strip(), text));
        }
        return new SkippedOperations(ops);
    }

    public boolean skips(RowChange.Op op) {
        return ops.contains(op);
    }

    /** As the flag is written: {@code t}, {@code c,u}, or {@code none}. */
    @Override
    public String toString() {
        return ops.isEmpty() ? "none" : ops.stream().sorted().map(RowChange.Op::code).collect(Collectors.joining(","));
    }

    private static RowChange.Op op(String code, String text) {
        for (RowChange.Op op : RowChange.Op.values()) {
            if (op.code().equals(code)) {
                return op;
            }
        }
        throw new CdcException(CdcException.Kind.CONFIGURATION, "--skipped-operations '" + text
                + "' is not valid: give some of c,u,d,t separated by commas (e.g. t), or none");
    }
}
