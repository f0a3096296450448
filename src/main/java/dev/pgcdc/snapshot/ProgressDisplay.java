package dev.pgcdc.snapshot;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Shows a running snapshot to people: on a terminal, one line per table and a total, redrawn in place every
 * second; otherwise (a log file, a pipe) one total line every few seconds. A summary line when it ends.
 * Rendering is pure; {@link #start} runs it on a daemon thread.
 */
public final class ProgressDisplay implements AutoCloseable {

    private static final long TERMINAL_INTERVAL_MILLIS = 1_000;
    private static final long LOG_INTERVAL_MILLIS = 5_000;

    private final SnapshotStatus status;
    private final PrintWriter out;
    private final boolean terminal;
    private final Thread thread;
    private int linesDrawn;
    private volatile boolean closed;

    private ProgressDisplay(SnapshotStatus status, PrintWriter out, boolean terminal) {
        this.status = status;
        this.out = out;
        this.terminal = terminal;
        this.thread = new Thread(this::run, "pgcdc-snapshot-progress");
        this.thread.setDaemon(true);
    }

    /** Starts showing {@code status} on {@code out}; {@code terminal}: redraw in place (else one line at a time). */
    public static ProgressDisplay start(SnapshotStatus status, PrintWriter out, boolean terminal) {
        ProgressDisplay display = new ProgressDisplay(status, out, terminal);
        display.thread.start();
        return display;
    }

    /** One line per table and a total line, for a terminal. */
    static List<String> tableLines(SnapshotStatus status) {
        List<String> lines = new ArrayList<>();
        for (SnapshotStatus.Table table : status.tables()) {
            lines.add(String.format(Locale.ROOT, "  %-40s %12s / %-12s %s", table.table(), count(table.rows()),
                    count(table.estimated()), table.done() ? "done" : percent(table.rows(), table.estimated())));
        }
        lines.add(totalLine(status));
        return lines;
    }

    /** The total: rows done of estimated, rate, ETA. */
    static String totalLine(SnapshotStatus status) {
        long rows = status.rows();
        long estimated = Math.max(rows, status.estimated());
        double rate = status.rowsPerSecond();
        long done = status.tables().stream().filter(SnapshotStatus.Table::done).count();
        String eta = rate < 1 ? "?" : seconds((estimated - rows) / rate);
        return String.format(Locale.ROOT, "snapshot: %s / %s rows (%s), %s rows/s, ETA %s, %d/%d table(s) done", count(rows),
                count(estimated), percent(rows, estimated), count(Math.round(rate)), eta, done, status.tables().size());
    }

    /** The line printed when the snapshot has ended. */
    static String summaryLine(SnapshotStatus status) {
        return "Snapshot complete: " + status.summary();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (!closed && !status.done()) {
                draw();
                Thread.sleep(terminal ? TERMINAL_INTERVAL_MILLIS : LOG_INTERVAL_MILLIS);
            }
        } catch (InterruptedException e) {
            return; // closed: the capture is stopping
        }
        if (status.done()) {
            draw();
            out.println(summaryLine(status));
            out.flush();
        }
    }

    private synchronized void draw() {
        if (!terminal) {
            out.println(totalLine(status));
            out.flush();
            return;
        }
        StringBuilder frame = new StringBuilder();
        if (linesDrawn > 0) {
            frame.append("\u001b[").append(linesDrawn).append('A'); // back to the first line drawn last time
        }
        List<String> lines = tableLines(status);
        for (String line : lines) {
            frame.append("\u001b[2K").append(line).append('\n');
        }
        linesDrawn = lines.size();
        out.print(frame);
        out.flush();
    }

    private static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String percent(long part, long whole) {
        return whole <= 0 ? "100%" : String.format(Locale.ROOT, "%d%%", Math.min(100, part * 100 / whole));
    }

    private static String seconds(double value) {
        long s = Math.round(value);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
