package dev.pgcdc.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Which PostgreSQL major the tests run against: the default binaries on the classpath (15), or, when the
 * build sets {@code pgcdc.pgMajor}, one of the other majors whose binaries it copied to
 * {@code target/pg-binaries} (only one major's binaries can be on the classpath at a time).
 */
public final class OtherPostgresMajors {

    private static final String MAJOR = System.getProperty("pgcdc.pgMajor", "");
    private static byte[] archive;

    private OtherPostgresMajors() {
    }

    /** An embedded-server builder for the major under test, with {@code wal_level=logical}. */
    public static EmbeddedPostgres.Builder builder() {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "20")
                .setServerConfig("max_wal_senders", "20")
                .setServerConfig("max_connections", "200")
                // trigger mode reports commit times when the server tracks them
                .setServerConfig("track_commit_timestamp", "on");
        if (!MAJOR.isEmpty()) {
            byte[] binaries = binaries();
            builder.setPgBinaryResolver((system, hardware) -> new ByteArrayInputStream(binaries));
        }
        return builder;
    }

    private static synchronized byte[] binaries() {
        if (archive == null) {
            Path jar = Path.of(System.getProperty("pgcdc.pgBinaries", "target/pg-binaries"), "postgres-" + MAJOR + ".jar");
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: `./mvnw verify` copies it in pre-integration-test");
            }
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry entry = zip.getEntry("postgres-linux-x86_64.txz");
                archive = zip.getInputStream(entry).readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return archive;
    }
}
