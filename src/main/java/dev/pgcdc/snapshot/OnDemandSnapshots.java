package dev.pgcdc.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * The on-demand snapshots ({@code pgcdc snapshot}) of one capture: one at a time on a worker of their own, later
 * requests waiting their turn; a failure stops only that snapshot. Each request is recorded in the progress
 * table when capture reads it, before anything after it in the stream can be confirmed, and its chunks as Kafka
 * acknowledges them, so a restart resumes every unfinished request from its next chunk. Pipeline thread only.
 */
final class OnDemandSnapshots implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OnDemandSnapshots.class);

    private final DatabaseConfig database;
    private final DebeziumEnvelope envelope;
    private final HighWatermark watermark;
    private final int chunkRows;
    private final ProgressStore captureStore;
    /** Opens a chunk's window: table and the request's id. */
    private final BiFunction<TableId, String, ChunkWindow> windows;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pgcdc-snapshot-on-demand");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Future<Void>> running = new ArrayList<>();
    /** Ids of the requests this run knows: resumed or read; a request read again after a restart is one of them. */
    private final Set<String> known = new HashSet<>();
    private Map<String, OnDemandRequest> state = Map.of();
    private Map<String, OnDemandRequest> stored = Map.of();

    OnDemandSnapshots(DatabaseConfig database, DebeziumEnvelope envelope, HighWatermark watermark, int chunkRows,
                      ProgressStore captureStore, BiFunction<TableId, String, ChunkWindow> windows) {
        this.database = database;
        this.envelope = envelope;
        this.watermark = watermark;
        this.chunkRows = chunkRows;
        this.captureStore = captureStore;
        this.windows = windows;
    }

    /** Resumes requests recorded as unfinished by an earlier run, from their next chunk. */
    void resume(List<OnDemandRequest> recorded) {
        for (OnDemandRequest request : recorded) {
            log.info("On-demand snapshot of {}{} resumed ({} row(s) done)", request.table(), where(request.where()),
                    request.progress().rows());
            start(request);
        }
        stored = state;
    }

    /**
     * A request read from the stream: {@code {"id":"...","table":"S.T","where":"..."}} (a request without id, from
     * an older {@code pgcdc snapshot}, gets one here); a malformed one is logged and ignored.
     *
     * @param connection where the request is recorded, before the stream's position may move past it
     */
    void request(String signal, Connection connection) {
        OnDemandRequest request;
        try {
            JsonNode fields = Json.parse(signal);
            String id = fields.hasNonNull("id") ? fields.get("id").asText() : UUID.randomUUID().toString();
            TableId table = TableId.parse(fields.get("table").asText());
            String where = fields.hasNonNull("where") ? fields.get("where").asText() : null;
            request = new OnDemandRequest(id, table, where, TableProgress.NOT_STARTED);
        } catch (RuntimeException e) {
            log.warn("Ignored an on-demand snapshot request that is not valid ({}): {}", e.getMessage(), signal);
            return;
        }
        try {
            if (connection == null) {
                throw new SQLException("no connection to PostgreSQL");
            }
            if (known.contains(request.id()) || isRecorded(connection, request.id())) {
                log.info("On-demand snapshot request {} for {} read again after a restart: already recorded", request.id(), request.table());
                known.add(request.id());
                return;
            }
            ProgressStore.install(connection);
            request.store(captureStore).save(connection, Map.of(request.table(), request.progress()), request.where());
        } catch (SQLException e) {
            log.warn("Could not record the on-demand snapshot of {} ({}): it runs, but a restart will not resume it",
                    request.table(), e.getMessage());
        }
        log.info("On-demand snapshot of {}{} requested", request.table(), where(request.where()));
        start(request);
    }

    private boolean isRecorded(Connection connection, String id) throws SQLException {
        return ProgressStore.installed(connection) && captureStore.hasOnDemand(connection, id);
    }

    private void start(OnDemandRequest request) {
        known.add(request.id());
        state = with(state, request);
        Map<TableId, TableProgress> completed = Map.of(request.table(), request.progress());
        running.add(worker.submit(new ChunkWorker(database, new ChunkPlan(List.of(request.table()), completed, request.where(), chunkRows),
                watermark, table -> windows.apply(table, request.id()), new SnapshotEvents(envelope, true, System::currentTimeMillis))));
    }

    /** A chunk of request {@code id} emitted: the progress the chunk's last event carries. */
    Map<String, OnDemandRequest> chunkEmitted(String id, Chunk chunk) {
        OnDemandRequest request = state.get(id);
        OnDemandRequest next = request.withProgress(request.progress().with(chunk.covered(), chunk.events().size()));
        state = with(state, next);
        if (next.progress().done()) {
            log.info("On-demand snapshot of {}{} read", next.table(), where(next.where()));
        }
        return state;
    }

    /** Every request's progress so far, immutable. */
    Map<String, OnDemandRequest> state() {
        return state;
    }

    /** Records what Kafka confirmed; a failed write is retried with the next confirmation. */
    void record(Connection connection, Map<String, OnDemandRequest> confirmed) throws SQLException {
        if (confirmed == stored) {
            return;
        }
        for (OnDemandRequest request : confirmed.values()) {
            OnDemandRequest before = stored.get(request.id());
            if (before == null || !before.progress().equals(request.progress())) {
                request.store(captureStore).save(connection, Map.of(request.table(), request.progress()), request.where());
            }
        }
        stored = confirmed;
    }

    /** Logs a finished worker's failure: it stops only that snapshot. */
    void check() throws InterruptedException {
        for (Future<Void> future : running) {
            if (future.isDone()) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    log.warn("On-demand snapshot stopped: {}", e.getCause().getMessage());
                }
            }
        }
        running.removeIf(Future::isDone);
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }

    private static Map<String, OnDemandRequest> with(Map<String, OnDemandRequest> requests, OnDemandRequest request) {
        Map<String, OnDemandRequest> next = new LinkedHashMap<>(requests);
        next.put(request.id(), request);
        return Collections.unmodifiableMap(next);
    }

    private static String where(String where) {
        return where == null ? "" : " where " + where;
    }
}
