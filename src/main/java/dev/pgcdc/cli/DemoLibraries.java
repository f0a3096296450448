package dev.pgcdc.cli;

import dev.pgcdc.error.CdcException;

import java.util.List;

/**
 * The demo's embedded servers ship apart from pgcdc's production classpath (in {@code target/lib-demo}, added by
 * {@code ./pgcdc} for {@code demo} alone; not in the release archive): checked before the demo touches them, so
 * a missing piece is one clear line instead of a {@code NoClassDefFoundError} halfway through.
 */
final class DemoLibraries {

    private static final List<String> REQUIRED = List.of(
            "dev.pgcdc.embedded.EmbeddedPostgresServer",
            "io.zonky.test.db.postgres.embedded.EmbeddedPostgres",
            "kafka.server.KafkaRaftServer");

    private DemoLibraries() {
    }

    static void require() {
        for (String name : REQUIRED) {
            try {
                Class.forName(name, false, DemoLibraries.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new CdcException(CdcException.Kind.CONFIGURATION, "demo needs its embedded PostgreSQL and Kafka, "
                        + "which this installation does not include (the release archive holds the production libraries only): "
                        + "run ./pgcdc demo from a source checkout");
            }
        }
    }
}
