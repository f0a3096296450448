package dev.pgcdc.snapshot;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.TableId;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * One chunk's watermark window (DBLog). The pipeline thread opens it at a point of its output, before the
 * worker reads the chunk; from then on it notes the keys of the chunk's table that the stream changes; when
 * the stream reaches the chunk's high watermark it emits the chunk without those keys: their stream events
 * already carry a state at least as new as the chunk's. Opening earlier than strictly needed only drops more
 * rows that the stream supersedes anyway.
 */
final class ChunkWindow {

    private final String id;
    private final TableId table;
    private final String topic;
    private final String onDemand;
    private final CountDownLatch opened = new CountDownLatch(1);
    private final CountDownLatch emitted = new CountDownLatch(1);
    /** Keys the stream changed while the window was open; pipeline thread only. */
    private final Set<String> changed = new HashSet<>();
    private boolean truncated;
    private volatile Chunk chunk;

    /** {@code onDemand}: the id of the on-demand snapshot the chunk belongs to, null for the initial snapshot's. */
    ChunkWindow(String id, TableId table, String topic, String onDemand) {
        this.id = id;
        this.table = table;
        this.topic = topic;
        this.onDemand = onDemand;
    }

    /** The on-demand snapshot's id, or null for a chunk of the initial snapshot. */
    String onDemand() {
        return onDemand;
    }

    String id() {
        return id;
    }

    TableId table() {
        return table;
    }

    String topic() {
        return topic;
    }

    void open() {
        opened.countDown();
    }

    void awaitOpened() throws InterruptedException {
        opened.await();
    }

    /** The stream changed this key of the table (null: a truncate, which supersedes every row read). */
    void changed(String key) {
        if (key == null) {
            truncated = true;
        } else {
            changed.add(key);
        }
    }

    /** The chunk's events whose keys the stream did not change while the window was open. */
    List<ChangeEvent> unsuperseded(List<ChangeEvent> events) {
        if (truncated) {
            return List.of();
        }
        if (changed.isEmpty()) {
            return events;
        }
        List<ChangeEvent> kept = new ArrayList<>(events.size());
        for (ChangeEvent event : events) {
            if (!changed.contains(event.key())) {
                kept.add(event);
            }
        }
        return kept;
    }

    /** Set by the worker before it writes the high watermark, so it is there when the stream reaches it. */
    void read(Chunk chunk) {
        this.chunk = chunk;
    }

    Chunk chunk() {
        return chunk;
    }

    void emitted() {
        emitted.countDown();
    }

    void awaitEmitted() throws InterruptedException {
        emitted.await();
    }
}
