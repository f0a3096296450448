package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Real commands configured from a file: pgcdc's own YAML, and the Debezium connector JSON a user already has. */
class ConfigFileIT {

    @TempDir
    Path folder;

    private final DatabaseConfig database = TestServices.newDatabase();

    @Test
    void setupAndStatusRunFromAYamlFile() throws Exception {
        TestServices.execute(database, "CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY)");
        Path yaml = Files.writeString(folder.resolve("pgcdc.yaml"), """
                db: %s
                user: %s
                mode: logical
                publication: from_file
                table:
                  - public.a
                  - public.b
                """.formatted(database.url(), database.user()));
        CliRun setup = CliRun.of("setup", "--config", yaml.toString());
        assertThat(setup.exitCode()).as(setup.err()).isZero();
        assertThat(TestServices.query(database, "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_publication_tables "
                + "WHERE pubname = 'from_file'")).isEqualTo("a,b");

        CliRun status = CliRun.of("status", "--config", yaml.toString(), "--slot", "no_such_slot");
        assertThat(status.exitCode()).as("--mode logical from the file, --slot from the line").isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(status.err()).contains("replication slot 'no_such_slot' does not exist");
    }

    @Test
    void setupRunsFromADebeziumConnectorJsonAndSaysWhatItIgnores() throws Exception {
        TestServices.execute(database, "CREATE TABLE orders (id int PRIMARY KEY)");
        URI url = URI.create(database.url().substring("jdbc:".length()));
        Path json = Files.writeString(folder.resolve("connector.json"), """
                {"name": "orders-connector", "config": {
                  "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
                  "database.hostname": "%s", "database.port": "%d", "database.dbname": "%s", "database.user": "%s",
                  "database.password": "not-used-by-trust-auth", "topic.prefix": "shop", "publication.name": "dbz_pub",
                  "table.include.list": "public.orders", "tasks.max": "1", "snapshot.fetch.size": "10240"}}
                """.formatted(url.getHost(), url.getPort(), url.getPath().substring(1), database.user()));
        CliRun setup = CliRun.of("setup", "--config", json.toString());
        assertThat(setup.exitCode()).as(setup.err()).isZero();
        assertThat(setup.err()).contains("pgcdc: notice: Kafka Connect setting tasks.max does not apply to pgcdc",
                "pgcdc: notice: Debezium setting snapshot.fetch.size is not supported by pgcdc: ignored")
                .doesNotContain("not-used-by-trust-auth");
        assertThat(setup.out()).doesNotContain("not-used-by-trust-auth");
        assertThat(TestServices.query(database, "SELECT string_agg(tablename, ',') FROM pg_publication_tables WHERE pubname = 'dbz_pub'"))
                .isEqualTo("orders");
    }
}
