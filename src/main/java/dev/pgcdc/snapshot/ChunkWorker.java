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
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Reads one table chunk by chunk on a connection of its own: asks the pipeline thread to open the chunk's
 * window, reads the chunk, hands it over and writes its high watermark. It reads the next chunk while the
 * previous one waits for its watermark, and never holds more than those two.
 */
final class ChunkWorker implements Callable<Void> {

    private static final Logger log = LoggerFactory.getLogger(ChunkWorker.class);

    private final DatabaseConfig database;
    private final TableId table;
    private final String where;
    private final int chunkRows;
    private final List<String> startAfter;
    private final HighWatermark watermark;
    private final Function<TableId, ChunkWindow> windows;

    ChunkWorker(DatabaseConfig database, TableId table, String where, int chunkRows, List<String> startAfter,
                HighWatermark watermark, Function<TableId, ChunkWindow> windows) {
        this.database = database;
        this.table = table;
        this.where = where;
        this.chunkRows = chunkRows;
        this.startAfter = startAfter;
        this.watermark = watermark;
        this.windows = windows;
    }

    @Override
    public Void call() throws InterruptedException {
        try (Connection connection = PostgresConnections.open(database, "pgcdc-snapshot")) {
            KeysetChunks.prepareSession(connection);
            KeysetChunks chunks = KeysetChunks.of(connection, table, where, chunkRows);
            List<String> after = startAfter;
            ChunkWindow previous = null;
            ChunkWindow window = windows.apply(table);
            while (window != null) {
                window.awaitOpened();
                Chunk chunk = chunks.read(connection, after);
                log.debug("Read a chunk of {} rows of {} after key {}", chunk.rows().size(), table, after);
                window.read(chunk);
                ChunkWindow next = chunk.last() ? null : windows.apply(table);
                watermark.write(connection, window.id());
                if (previous != null) {
                    previous.awaitEmitted();
                }
                previous = window;
                window = next;
                after = chunk.lastKey();
            }
            if (previous != null) {
                previous.awaitEmitted();
            }
            return null;
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new CdcException(CdcException.Kind.CONFIGURATION, "cannot snapshot table " + table
                        + ": the capture role may not read it (" + e.getMessage().lines().findFirst().orElse("") + "); GRANT SELECT ON "
                        + table.quoted() + " to it, or take the table out of the capture");
            }
            throw PostgresErrors.describe(e, database, "snapshotting " + table);
        }
    }
}
