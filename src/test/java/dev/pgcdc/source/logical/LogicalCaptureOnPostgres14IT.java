package dev.pgcdc.source.logical;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.testing.OtherPostgresMajors;
import dev.pgcdc.testing.TestServices;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Every logical-mode scenario of {@link LogicalCaptureIT}, against PostgreSQL 14. */
class LogicalCaptureOnPostgres14IT extends LogicalCaptureIT {

    private static EmbeddedPostgres server;

    @BeforeAll
    static void startServer() throws Exception {
        server = OtherPostgresMajors.start(14);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected DatabaseConfig newDatabase() {
        DatabaseConfig admin = new DatabaseConfig("jdbc:postgresql://localhost:" + server.getPort() + "/postgres", "postgres", null);
        String name = TestServices.uniqueName("pg14");
        TestServices.execute(admin, "CREATE DATABASE " + name);
        return new DatabaseConfig("jdbc:postgresql://localhost:" + server.getPort() + "/" + name, "postgres", null);
    }
}
