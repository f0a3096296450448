package dev.pgcdc.observe;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.source.trigger.JournalSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Looks at the source database from outside the capture, on its own connection every few seconds: whether
 * it answers, whether a capture streams from it (the slot is active, a trigger-mode capture is connected),
 * and what it holds back (retained WAL, journal backlog) for the metrics.
 */
public final class SourceProbe implements AutoCloseable {

    /** What there is to look at in each capture mode. */
    public enum Kind { NOTIFY, TRIGGER, LOGICAL }

    private static final Logger log = LoggerFactory.getLogger(SourceProbe.class);

    private final DatabaseConfig database;
    private final Kind kind;
    private final String slot;
    private final CaptureMetrics metrics;
    private final ScheduledExecutorService timer;
    private volatile boolean reachable;
    private volatile boolean streaming;

    /**
     * @param slot the slot a logical capture streams from; null in the other modes
     */
    public SourceProbe(DatabaseConfig database, Kind kind, String slot, CaptureMetrics metrics, Duration interval) {
        this.database = database;
        this.kind = kind;
        this.slot = slot;
        this.metrics = metrics;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pgcdc-source-probe");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean reachable() {
        return reachable;
    }

    public boolean streaming() {
        return streaming;
    }

    private void probe() {
        try {
            switch (kind) {
                case LOGICAL -> {
                    LogicalSetup.SlotStatus status = LogicalSetup.slotStatus(database, slot);
                    streaming = status != null && status.active();
                    metrics.retainedWalBytes(status == null ? -1 : status.retainedWalBytes());
                }
                case TRIGGER -> {
                    JournalSchema.Backlog backlog = JournalSchema.backlog(database);
                    streaming = backlog != null && backlog.captureConnected();
                    metrics.journalBacklogRows(backlog == null ? -1 : backlog.pendingChanges());
                }
                case NOTIFY -> {
                    try (Connection ignored = PostgresConnections.open(database, "pgcdc-probe")) {
                        streaming = true;
                    }
                }
            }
            reachable = true;
        } catch (CdcException | SQLException e) {
            reachable = false;
            streaming = false;
            log.debug("The source probe failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
