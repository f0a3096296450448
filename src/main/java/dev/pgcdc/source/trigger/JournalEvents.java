package dev.pgcdc.source.trigger;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.SkippedOperations;
import dev.pgcdc.source.SkippedTruncates;
import dev.pgcdc.source.SnapshotWatermark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What each journal row read stands for: a change's events, a snapshot watermark, an on-demand snapshot signal,
 * or a change {@code --skipped-operations} leaves out (counted, and announced for {@code pgcdc status}).
 */
final class JournalEvents {

    private static final Logger log = LoggerFactory.getLogger(JournalEvents.class);

    private final JournalDecoder decoder;
    private final SkippedOperations skippedOperations;
    private final TableDefinitions definitions = new TableDefinitions();
    /**
     * Snapshot watermarks are reported only when their batch ends: a transaction in the same batch may have
     * a lower journal id and yet commit after the watermark, so "after the watermark" means "after its batch".
     */
    private final List<String> watermarksInBatch = new ArrayList<>();
    private final List<String> watermarksReached = new ArrayList<>();
    private final List<String> signals = new ArrayList<>();
    private long skippedTruncates;
    private long announcedTruncates;

    JournalEvents(DebeziumEnvelope envelope, SkippedOperations skippedOperations) {
        this.decoder = new JournalDecoder(envelope, skippedOperations);
        this.skippedOperations = skippedOperations;
    }

    TableDefinitions definitions() {
        return definitions;
    }

    /** Adds the row's events, or takes in its watermark or signal, or counts it skipped; whether it had events. */
    boolean collect(Connection connection, JournalRow row, List<ChangeEvent> events, long nowMillis) throws SQLException {
        if (isFrom(row, SnapshotWatermark.JOURNAL_TABLE)) {
            watermarksInBatch.add(row.newRow());
            return false;
        }
        if (isFrom(row, SnapshotWatermark.JOURNAL_SIGNAL_TABLE)) {
            signals.add(row.newRow());
            return false;
        }
        if (decoder.skips(row)) {
            countSkipped(row);
            return false;
        }
        TableDefinitions.Definition definition = definitions.of(connection, row);
        events.addAll(decoder.decode(row, definition.keyColumns(), definition.zonedColumns(), nowMillis));
        return true;
    }

    /** After a page: says how many truncates were skipped since start, when that changed. */
    void announceSkipped(Connection connection) throws SQLException {
        if (skippedTruncates != announcedTruncates) {
            SkippedTruncates.announce(connection, TriggerSource.APPLICATION_NAME, skippedTruncates);
            announcedTruncates = skippedTruncates;
        }
    }

    /** The batch was read whole: its watermarks are reached. */
    void batchEnded() {
        watermarksReached.addAll(watermarksInBatch);
        watermarksInBatch.clear();
    }

    List<String> takeWatermarks() {
        List<String> taken = List.copyOf(watermarksReached);
        watermarksReached.clear();
        return taken;
    }

    List<String> takeSignals() {
        List<String> taken = List.copyOf(signals);
        signals.clear();
        return taken;
    }

    long skippedTruncates() {
        return skippedTruncates;
    }

    private void countSkipped(JournalRow row) {
        if (row.op() == 't') {
            skippedTruncates++;
            log.warn("Skipped a truncate of {} (--skipped-operations {}): its rows stay downstream; {} truncate(s) skipped since start",
                    row.table(), skippedOperations, skippedTruncates);
        }
    }

    private static boolean isFrom(JournalRow row, String pgcdcTable) {
        return row.table().table().equals(pgcdcTable) && row.table().schema().equals(SnapshotWatermark.JOURNAL_SCHEMA);
    }
}
