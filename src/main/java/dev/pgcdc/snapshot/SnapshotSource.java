package dev.pgcdc.snapshot;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.Position;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A mode's source with a snapshot of the existing rows woven into its stream (the DBLog algorithm): workers
 * read tables in primary-key chunks, each chunk inside a watermark window (see {@link ChunkWindow}); when the
 * stream reaches a chunk's high watermark, the chunk's rows whose keys the stream did not change meanwhile go
 * out as {@code "op":"r"} events, right there in the stream's order. No transaction stays open longer than
 * one chunk. Snapshot events take the same envelope, pipeline and acknowledgement as streamed ones; each
 * position carries the snapshot's progress, which is recorded once Kafka has everything before it.
 */
public final class SnapshotSource implements Source {

    private static final Logger log = LoggerFactory.getLogger(SnapshotSource.class);

    private final Source stream;
    private final DatabaseConfig database;
    private final DebeziumEnvelope envelope;
    private final ProgressStore store;
    private final boolean finishAfterSnapshot;
    private final String runId = UUID.randomUUID().toString();
    private final AtomicLong windowIds = new AtomicLong();
    private final ConcurrentLinkedQueue<ChunkWindow> requested = new ConcurrentLinkedQueue<>();
    private final Map<String, ChunkWindow> open = new HashMap<>();
    private final ExecutorService workers;
    private final List<Future<Void>> running = new ArrayList<>();
    private final SnapshotStatus status;
    private final OnDemandSnapshots onDemand;
    private Map<TableId, TableProgress> progress;
    private Map<TableId, TableProgress> stored;
    /** The progress of the newest position committed by the pipeline (the table may lag behind it). */
    private Map<TableId, TableProgress> committed;
    private boolean firstEmitted;
    private boolean progressWithoutEvents;
    /**
     * The newest stream position handed out. Snapshot rows carry it too: the confirmable position is the
     * newest acknowledged one, and a chunk's rows after stream changes must not keep those from being
     * confirmed to the source (journal rows removed, the slot advanced) until the next streamed change.
     */
    private Position lastStream;
    private Connection storeConnection;

    SnapshotSource(Source stream, DatabaseConfig database, DebeziumEnvelope envelope, ProgressStore store,
                   Map<TableId, TableProgress> start, boolean resumed, SnapshotConfig config, HighWatermark watermark,
                   Map<TableId, Long> estimates, List<OnDemandRequest> unfinishedOnDemand) {
        this.stream = stream;
        this.database = database;
        this.envelope = envelope;
        this.store = store;
        this.finishAfterSnapshot = config.mode() == SnapshotMode.INITIAL_ONLY;
        this.progress = Map.copyOf(start);
        this.stored = progress;
        this.committed = progress;
        this.firstEmitted = resumed;
        this.status = new SnapshotStatus(start, estimates);
        List<TableId> pending = start.entrySet().stream().filter(e -> !e.getValue().done()).map(Map.Entry::getKey).toList();
        // Every worker reads from one plan: a single large table is read by all of them at once.
        int count = pending.isEmpty() ? 1 : config.workers();
        this.workers = Executors.newFixedThreadPool(count, runnable -> {
            Thread thread = new Thread(runnable, "pgcdc-snapshot-worker");
            thread.setDaemon(true);
            return thread;
        });
        if (!pending.isEmpty()) {
            ChunkPlan plan = new ChunkPlan(pending, start, null, config.chunkRows());
            for (int i = 0; i < count; i++) {
                running.add(workers.submit(new ChunkWorker(database, plan, watermark, t -> request(t, null),
                        new SnapshotEvents(envelope, false, System::currentTimeMillis))));
            }
        }
        workers.shutdown();
        if (!pending.isEmpty()) {
            log.info("Snapshot of {} table(s) to do: {}", pending.size(), pending);
        }
        this.onDemand = new OnDemandSnapshots(database, envelope, watermark, config.chunkRows(), store, this::request);
        onDemand.resume(unfinishedOnDemand);
    }

    /** What the snapshot has done so far, safe to read from any thread. */
    public SnapshotStatus status() {
        return status;
    }

    @Override
    public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
        checkWorkers();
        openRequested();
        List<ChangeEvent> streamed = stream.poll(timeout);
        List<ChangeEvent> events = new ArrayList<>(streamed.size());
        for (ChangeEvent event : streamed) {
            for (ChunkWindow window : open.values()) {
                if (window.topic().equals(event.topic())) {
                    window.changed(event.key());
                }
            }
            if (event.position() != null) {
                lastStream = event.position();
            }
            events.add(event.position() == null ? event : withPosition(event, position(event.position())));
        }
        for (String signal : stream.takeSignals()) {
            onDemand.request(signal, storeConnection());
        }
        for (String id : stream.takeWatermarks()) {
            ChunkWindow window = open.remove(id.replace("\"", ""));
            if (window != null) {
                emit(window, events);
            } // else a watermark of an earlier run, read again after a restart
        }
        openRequested();
        return events;
    }

    @Override
    public Position takePositionWithoutEvents() {
        Position reached = stream.takePositionWithoutEvents();
        if (reached == null && !progressWithoutEvents) {
            return null;
        }
        if (reached != null) {
            lastStream = reached;
        }
        progressWithoutEvents = false;
        return position(lastStream);
    }

    @Override
    public List<String> takeWatermarks() {
        return List.of();
    }

    @Override
    public long restarts() {
        return stream.restarts();
    }

    @Override
    public boolean replaysUncommitted() {
        return progress == committed;
    }

    @Override
    public boolean midTransaction() {
        return stream.midTransaction();
    }

    @Override
    public boolean caughtUp() {
        return stream.caughtUp();
    }

    @Override
    public long skippedTruncates() {
        return stream.skippedTruncates();
    }

    @Override
    public void commit(Position position) {
        SnapshotPosition confirmed = (SnapshotPosition) position;
        committed = confirmed.progress();
        if (confirmed.stream() != null) {
            stream.commit(confirmed.stream());
        }
        if (confirmed.progress() != stored) {
            record(confirmed.progress());
        }
        recordOnDemand(confirmed.onDemand());
    }

    @Override
    public boolean finished() {
        return finishAfterSnapshot && stored.values().stream().allMatch(TableProgress::done);
    }

    @Override
    public void close() {
        onDemand.close();
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("Snapshot workers did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeStoreConnection();
        stream.close();
    }

    /** @param onDemandId the on-demand snapshot's id, null for the initial snapshot */
    private ChunkWindow request(TableId table, String onDemandId) {
        ChunkWindow window = new ChunkWindow(runId + ":" + windowIds.incrementAndGet(), table, envelope.topic(table), onDemandId);
        requested.add(window);
        return window;
    }

    /** Opens the windows workers asked for here, between two polls: a point of the output in stream order. */
    private void openRequested() {
        for (ChunkWindow window = requested.poll(); window != null; window = requested.poll()) {
            open.put(window.id(), window);
            window.open();
        }
    }

    private void emit(ChunkWindow window, List<ChangeEvent> events) {
        Chunk chunk = window.chunk();
        if (chunk == null) {
            throw new IllegalStateException("the high watermark of chunk " + window.id() + " came before its rows");
        }
        List<ChangeEvent> rows = window.unsuperseded(chunk.events());
        if (window.onDemand() != null) {
            onDemand.chunkEmitted(window.onDemand(), chunk);
            if (rows.isEmpty()) {
                progressWithoutEvents = true;
            } else {
                events.addAll(rows);
                // Its progress rides on its last row, as an initial snapshot chunk's does.
                events.set(events.size() - 1, withPosition(events.get(events.size() - 1), position(lastStream)));
            }
            window.emitted();
            return;
        }
        TableId table = chunk.table();
        TableProgress before = progress.getOrDefault(table, TableProgress.NOT_STARTED);
        TableProgress after = before.with(chunk.covered(), chunk.events().size());
        Map<TableId, TableProgress> next = new LinkedHashMap<>(progress);
        next.put(table, after);
        boolean snapshotEnds = next.values().stream().allMatch(TableProgress::done);
        progress = Map.copyOf(next);
        if (rows.isEmpty()) {
            progressWithoutEvents = true;
        } else {
            int first = events.size();
            events.addAll(rows);
            int last = events.size() - 1;
            // The chunk's progress rides on its last row: recorded once Kafka has every row up to it.
            events.set(last, SnapshotEvents.marked(events.get(last), snapshotEnds ? "last" : "true", position(lastStream)));
            if (!firstEmitted) {
                events.set(first, SnapshotEvents.marked(rows.get(0), "first", events.get(first).position()));
                firstEmitted = true;
            }
        }
        status.chunkEmitted(table, chunk.events().size(), after.done());
        log.debug("Emitted a chunk of {}: {} row(s), {} superseded by the stream", table, rows.size(), chunk.events().size() - rows.size());
        window.emitted();
    }

    private SnapshotPosition position(Position streamPosition) {
        return new SnapshotPosition(streamPosition, progress, onDemand.state());
    }

    private static ChangeEvent withPosition(ChangeEvent event, Position position) {
        return new ChangeEvent(event.topic(), event.key(), event.value(), event.headers(), position);
    }

    private void checkWorkers() throws InterruptedException {
        for (Future<Void> worker : running) {
            if (worker.isDone()) {
                try {
                    worker.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof CdcException described) {
                        throw described;
                    }
                    throw new CdcException(CdcException.Kind.INTERNAL, "a snapshot worker failed: " + e.getCause(), e.getCause());
                }
            }
        }
        running.removeIf(Future::isDone);
        onDemand.check();
    }

    /** A failed write is retried with the next confirmation; until then a restart reads those chunks again. */
    private void record(Map<TableId, TableProgress> confirmed) {
        Map<TableId, TableProgress> changed = new LinkedHashMap<>();
        confirmed.forEach((table, state) -> {
            if (!state.equals(stored.get(table))) {
                changed.put(table, state);
            }
        });
        Connection connection = storeConnection();
        if (connection == null) {
            return;
        }
        try {
            store.save(connection, changed);
            stored = confirmed;
            if (stored.values().stream().allMatch(TableProgress::done) && !changed.isEmpty()) {
                log.info("Snapshot complete: {}", status.summary());
            }
        } catch (SQLException | CdcException e) {
            log.warn("Could not record the snapshot's progress ({}); retrying with the next confirmation", e.getMessage());
            closeStoreConnection();
        }
    }

    private void recordOnDemand(Map<String, OnDemandRequest> confirmed) {
        Connection connection = storeConnection();
        if (connection == null) {
            return;
        }
        try {
            onDemand.record(connection, confirmed);
        } catch (SQLException | CdcException e) {
            log.warn("Could not record the on-demand snapshot's progress ({}); retrying with the next confirmation", e.getMessage());
            closeStoreConnection();
        }
    }

    /** The connection that records progress, opened when first needed; null when it cannot be opened now. */
    private Connection storeConnection() {
        if (storeConnection == null) {
            try {
                storeConnection = PostgresConnections.open(database, "pgcdc-snapshot");
            } catch (CdcException e) {
                log.warn("Could not connect to record the snapshot's progress ({})", e.getMessage());
            }
        }
        return storeConnection;
    }

    private void closeStoreConnection() {
        if (storeConnection != null) {
            try {
                storeConnection.close();
            } catch (SQLException e) {
                log.debug("Closing the snapshot progress connection failed", e);
            }
            storeConnection = null;
        }
    }
}
