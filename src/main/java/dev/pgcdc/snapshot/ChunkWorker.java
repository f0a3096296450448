package dev.pgcdc.snapshot;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Reads the key ranges a {@link ChunkPlan} hands out, on a connection of its own, each chunk in a watermark
 * window: asks the pipeline thread to open the chunk's window, reads the chunk into its events, hands them
 * over and writes its high watermark. It reads its next chunk while the previous one waits for its watermark,
 * and never holds more than those two. Several workers share one plan, so they read one table's chunks in
 * parallel.
 */
final class ChunkWorker implements Callable<Void> {

    private static final Logger log = LoggerFactory.getLogger(ChunkWorker.class);

    private final DatabaseConfig database;
    private final ChunkPlan plan;
    private final HighWatermark watermark;
    private final Function<TableId, ChunkWindow> windows;
    private final SnapshotEvents events;

    ChunkWorker(DatabaseConfig database, ChunkPlan plan, HighWatermark watermark, Function<TableId, ChunkWindow> windows,
                SnapshotEvents events) {
        this.database = database;
        this.events = events;
        this.plan = plan;
        this.watermark = watermark;
        this.windows = windows;
    }

    @Override
    public Void call() throws InterruptedException {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-snapshot")) {
            KeysetChunks.prepareSession(connection);
            ChunkWindow previous = null;
            for (ChunkPlan.Task task = plan.next(connection); task != null; task = plan.next(connection)) {
                TableId table = task.chunks().table();
                for (KeyRange range = task.range(); range != null; ) {
                    ChunkWindow window = windows.apply(table);
                    window.awaitOpened();
                    Chunk chunk = read(connection, task.chunks(), range);
                    log.debug("Read a chunk of {} rows of {} in {}", chunk.events().size(), table, range);
                    window.read(chunk);
                    watermark.write(connection, window.id());
                    if (previous != null) {
                        previous.awaitEmitted();
                    }
                    previous = window;
                    range = chunk.rest();
                }
            }
            if (previous != null) {
                previous.awaitEmitted();
            }
            return null;
        } catch (SQLException e) {
            throw describe(e, plan.currentTable());
        }
    }

    private Chunk read(Connection connection, KeysetChunks chunks, KeyRange range) {
        try {
            return chunks.read(connection, range, events);
        } catch (SQLException e) {
            throw describe(e, chunks.table());
        }
    }

    private CdcException describe(SQLException e, TableId table) {
        if ("42501".equals(e.getSQLState())) {
            return new CdcException(CdcException.Kind.CONFIGURATION, "cannot snapshot table " + table
                    + ": the capture role may not read it (" + e.getMessage().lines().findFirst().orElse("") + "); GRANT SELECT ON "
                    + (table == null ? "the table" : table.quoted()) + " to it, or take the table out of the capture");
        }
        return PostgresErrors.describe(e, database, "snapshotting " + (table == null ? "tables" : table));
    }
}
