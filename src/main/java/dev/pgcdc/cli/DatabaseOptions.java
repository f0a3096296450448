package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import picocli.CommandLine.Option;

/** {@code --db}, {@code --user}, {@code --password}, each with its environment variable. */
final class DatabaseOptions {

    @Option(names = "--db", paramLabel = "JDBC_URL", defaultValue = "${env:PGCDC_DB_URL}",
            description = "PostgreSQL JDBC URL, e.g. jdbc:postgresql://localhost:5432/postgres (env PGCDC_DB_URL)")
    String url;

    @Option(names = "--user", paramLabel = "USER", defaultValue = "${env:PGCDC_DB_USER}",
            description = "Role to log in as (env PGCDC_DB_USER)")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", defaultValue = "${env:PGCDC_DB_PASSWORD}",
            description = "Its password (env PGCDC_DB_PASSWORD; prefer the variable: flags show in `ps`)")
    String password;

    DatabaseConfig toConfig() {
        return new DatabaseConfig(url, user, password);
    }
}
