package dev.pgcdc.source.logical;

import dev.pgcdc.event.Position;

/**
 * A WAL position, printed and parsed in PostgreSQL's notation ({@code 16/B374D848}). Compared as unsigned.
 */
public record Lsn(long value) implements Position, Comparable<Lsn> {

    public static final Lsn ZERO = new Lsn(0);

    public static Lsn parse(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("not an LSN: '" + text + "' (expected e.g. 0/16B3748)");
        }
        long high = Long.parseUnsignedLong(text.substring(0, slash), 16);
        long low = Long.parseUnsignedLong(text.substring(slash + 1), 16);
        if (high > 0xFFFFFFFFL || low > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("not an LSN: '" + text + "'");
        }
        return new Lsn(high << 32 | low);
    }

    public boolean isAfter(Lsn other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
