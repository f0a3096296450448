package dev.pgcdc.observe.web;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The newest changes, in a fixed ring the pipeline writes without locks or waiting: a writer takes a
 * sequence number and overwrites the oldest slot. A reader asks for everything after the last sequence it
 * saw and gets what is still in the ring, so when changes come faster than the page reads them it sees a
 * sample of the newest and never slows the writers.
 */
final class RecentChanges<T> {

    private record Slot<T>(long sequence, T item) {
    }

    private final AtomicReferenceArray<Slot<T>> slots;
    private final AtomicLong next = new AtomicLong();

    RecentChanges(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        slots = new AtomicReferenceArray<>(capacity);
    }

    void add(T item) {
        long sequence = next.getAndIncrement();
        slots.set((int) (sequence % slots.length()), new Slot<>(sequence, item));
    }

    /** The sequence the next item will get: read up to it now, and from it the next time, to see each item once. */
    long mark() {
        return next.get();
    }

    /** Items with a sequence from {@code from} (inclusive) to {@code to} (exclusive) still in the ring, oldest first. */
    List<T> between(long from, long end) {
        long start = Math.max(from, end - slots.length());
        List<T> items = new ArrayList<>((int) Math.max(0, end - start));
        for (long sequence = start; sequence < end; sequence++) {
            Slot<T> slot = slots.get((int) (sequence % slots.length()));
            // A slot not yet written (its writer took the number but has not stored it) or already overwritten.
            if (slot != null && slot.sequence() == sequence) {
                items.add(slot.item());
            }
        }
        return items;
    }
}
