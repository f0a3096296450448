package dev.pgcdc.embedded;

import dev.pgcdc.error.CdcException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A PostgreSQL server started from the binaries packaged on Maven Central, on a free loopback port, with
 * {@code wal_level=logical} so every capture mode works against it. Trust authentication for the
 * {@code postgres} superuser; its data folder is removed on close. Runs with fsync off: never use it to
 * measure PostgreSQL's own speed.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    public static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedPostgresServer start() {
        try {
            return new EmbeddedPostgresServer(EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .setServerConfig("max_connections", "200")
                    // trigger mode reports commit times when the server tracks them
                    .setServerConfig("track_commit_timestamp", "on")
                    .start());
        } catch (IOException e) {
            throw new CdcException(CdcException.Kind.INTERNAL, "the embedded PostgreSQL failed to start: " + e.getMessage(), e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    /** A psql command line that opens {@code database} on this server. */
    public String psqlCommand(String database) {
        return "psql -h localhost -p " + port() + " -U " + USER + " " + database;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new CdcException(CdcException.Kind.INTERNAL, "the embedded PostgreSQL did not stop cleanly: " + e.getMessage(), e);
            }
        }
    }
}
