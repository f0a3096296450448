package dev.pgcdc.observe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.event.Json;
import dev.pgcdc.snapshot.ProgressReport;
import dev.pgcdc.source.SkippedTruncates;
import dev.pgcdc.source.logical.LogicalSetup.SlotStatus;
import dev.pgcdc.source.trigger.JournalSchema.Backlog;

import java.util.List;

/**
 * {@code status --format json}, for scripts and monitoring. The schema is documented in the README
 * ("status --format json"); fields are only added, never renamed, so scripts keep working.
 */
public final class StatusJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StatusJson() {
    }

    /**
     * @param slotName   null when the logical mode was not asked about
     * @param slot       null when that slot does not exist
     * @param journalAsked whether the trigger mode was asked about
     * @param journal    null when it is not installed
     * @param skipping   running captures that skipped truncates (--skipped-operations t)
     * @param snapshots  each capture's snapshot tables, as recorded
     */
    public static String render(String slotName, SlotStatus slot, List<String> slotTablesWithoutKey, boolean journalAsked,
                                Backlog journal, List<SkippedTruncates.Running> skipping, List<ProgressReport.Table> snapshots,
                                List<String> attention) {
        ObjectNode root = NODES.objectNode();
        if (slotName != null) {
            root.set("logical", logical(slotName, slot, slotTablesWithoutKey));
        }
        if (journalAsked) {
            root.set("trigger", trigger(journal));
        }
        ArrayNode skipped = root.putArray("skipped_truncates");
        skipping.forEach(capture -> skipped.addObject().put("pid", capture.pid()).put("application", capture.application())
                .put("count", capture.skipped()));
        ArrayNode snapshotTables = root.putArray("snapshots");
        snapshots.forEach(table -> snapshotTables.add(snapshot(table)));
        ArrayNode lines = root.putArray("attention");
        attention.forEach(lines::add);
        return Json.write(root);
    }

    /** Rate and ETA are null: {@code status} reads what was recorded, once, and a rate needs two readings. */
    private static ObjectNode snapshot(ProgressReport.Table table) {
        ObjectNode node = NODES.objectNode().put("capture", table.capture()).put("table", table.table())
                .put("state", table.state()).put("rows_done", table.rowsDone()).put("rows_estimated", table.rowsEstimated())
                .put("percent", table.percent());
        if (table.lastKey() == null) {
            node.putNull("last_key");
        } else {
            ArrayNode key = node.putArray("last_key");
            table.lastKey().forEach(key::add);
        }
        node.put("later_ranges_done", table.laterRanges()).put("seconds_since_recorded", table.secondsSinceRecorded());
        node.putNull("rows_per_second");
        node.putNull("eta_seconds");
        return node;
    }

    private static ObjectNode logical(String slotName, SlotStatus slot, List<String> tablesWithoutKey) {
        ObjectNode node = NODES.objectNode().put("slot", slotName).put("exists", slot != null);
        if (slot == null) {
            return node;
        }
        node.put("database", slot.database()).put("active", slot.active());
        if (slot.activePid() != null) {
            node.put("active_pid", slot.activePid());
        } else {
            node.putNull("active_pid");
        }
        node.put("holder", slot.holder())
                .put("confirmed_flush_lsn", slot.confirmedFlushLsn())
                .put("retained_wal_bytes", slot.retainedWalBytes())
                .put("wal_since_confirmed_bytes", slot.confirmedBehindBytes())
                .put("seconds_since_advanced", slot.secondsSinceAdvanced())
                .put("seconds_since_status", slot.secondsSinceStatus());
        ArrayNode tables = node.putArray("tables_without_key");
        tablesWithoutKey.forEach(tables::add);
        return node;
    }

    private static ObjectNode trigger(Backlog journal) {
        ObjectNode node = NODES.objectNode().put("installed", journal != null);
        if (journal == null) {
            return node;
        }
        node.put("pending_changes", journal.pendingChanges())
                .put("oldest_age_seconds", journal.oldestAgeSeconds())
                .put("capture_connected", journal.captureConnected());
        ArrayNode tables = node.putArray("tables_without_key");
        journal.tablesWithoutKey().forEach(table -> tables.add(table.toString()));
        return node;
    }
}
