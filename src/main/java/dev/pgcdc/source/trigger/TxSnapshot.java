package dev.pgcdc.source.trigger;

import java.util.Arrays;

/**
 * A PostgreSQL transaction snapshot as {@code txid_current_snapshot()} prints it, {@code xmin:xmax:xip,...}:
 * every transaction below {@code xmin} had ended, none from {@code xmax} on had, and those in {@code xip}
 * were still running. Transaction ids are the 64-bit, epoch-extended ones {@code txid_current()} returns.
 */
record TxSnapshot(long xmin, long xmax, long[] inProgress) {

    TxSnapshot {
        if (xmin > xmax) {
            throw new IllegalArgumentException("snapshot xmin " + xmin + " is above xmax " + xmax);
        }
        inProgress = inProgress.clone();
        Arrays.sort(inProgress);
    }

    static TxSnapshot parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a txid_snapshot: '" + text + "'");
        }
        long[] running = parts[2].isEmpty() ? new long[0]
                : Arrays.stream(parts[2].split(",")).mapToLong(Long::parseLong).toArray();
        return new TxSnapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), running);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder().append(xmin).append(':').append(xmax).append(':');
        for (int i = 0; i < inProgress.length; i++) {
            text.append(i == 0 ? "" : ",").append(inProgress[i]);
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TxSnapshot that && xmin == that.xmin && xmax == that.xmax
                && Arrays.equals(inProgress, that.inProgress);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(xmin) + 17 * Long.hashCode(xmax) + Arrays.hashCode(inProgress);
    }
}
