package dev.pgcdc.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * PostgreSQL servers of majors other than the default, from the embedded binaries the build copies to
 * {@code target/pg-binaries} (one jar per major: only one major's jar can be on the classpath).
 */
public final class OtherPostgresMajors {

    private OtherPostgresMajors() {
    }

    /** Starts a server of {@code major} with {@code wal_level=logical}; the caller closes it. */
    public static EmbeddedPostgres start(int major) throws IOException {
        Path jar = Path.of(System.getProperty("pgcdc.pgBinaries", "target/pg-binaries"), "postgres-" + major + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: `./mvnw verify` copies it in pre-integration-test");
        }
        byte[] archive;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry("postgres-linux-x86_64.txz");
            archive = zip.getInputStream(entry).readAllBytes();
        }
        return EmbeddedPostgres.builder()
                .setPgBinaryResolver((system, hardware) -> new ByteArrayInputStream(archive))
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("max_wal_senders", "10")
                .start();
    }
}
