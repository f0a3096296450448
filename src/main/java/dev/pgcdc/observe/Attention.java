package dev.pgcdc.observe;

import dev.pgcdc.source.logical.LogicalSetup.SlotStatus;
import dev.pgcdc.source.trigger.JournalSchema.Backlog;

import java.util.ArrayList;
import java.util.List;

/**
 * What in a capture's state needs someone to act, each as one line that says what to do: a stopped slot
 * holding too much WAL, tables whose changes cannot be keyed, a journal that grows with nobody draining it.
 */
public final class Attention {

    private Attention() {
    }

    /**
     * @param slot                 null when there is no slot
     * @param slotTablesWithoutKey published tables without a primary key or replica identity
     * @param journal              null when the trigger mode is not installed
     */
    public static List<String> of(SlotStatus slot, List<String> slotTablesWithoutKey, long maxRetainedBytes, Backlog journal) {
        List<String> attention = new ArrayList<>();
        if (slot != null && !slot.active() && slot.retainedWalBytes() > maxRetainedBytes) {
            attention.add("slot " + slot.slot() + " is idle and retains " + slot.retainedWal() + " of WAL (more than --max-retained "
                    + maxRetainedBytes + " bytes): start capture --mode logical, or drop the slot with pgcdc teardown --mode logical "
                    + "if nothing reads it any more");
        }
        if (!slotTablesWithoutKey.isEmpty()) {
            attention.add("published table(s) " + String.join(", ", slotTablesWithoutKey) + " have no primary key and no "
                    + "replica identity: capture will not start; add a primary key or ALTER TABLE … REPLICA IDENTITY FULL");
        }
        if (journal != null && journal.pendingChanges() > 0 && !journal.captureConnected()) {
            attention.add("the journal holds " + journal.pendingChanges() + " change(s) and no capture is connected: it grows "
                    + "with every write to the captured tables; start capture --mode trigger");
        }
        if (journal != null && !journal.tablesWithoutKey().isEmpty()) {
            attention.add("captured table(s) " + String.join(", ", journal.tablesWithoutKey().stream().map(Object::toString).toList())
                    + " have no primary key: their changes reach Kafka without a key, so per-key order and compaction do "
                    + "not hold for them; add a primary key");
        }
        return attention;
    }
}
