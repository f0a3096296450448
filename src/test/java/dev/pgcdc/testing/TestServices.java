package dev.pgcdc.testing;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.embedded.EmbeddedKafkaBroker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server (of the major under test, see {@link OtherPostgresMajors}) and one real Kafka
 * broker per test JVM, started on first use and stopped at exit. Each test takes a database and topic names
 * of its own, so tests never see each other's data.
 */
public final class TestServices {

    /** A role that must log in with a password (scram-sha-256), for the wrong-password tests. */
    public static final String PASSWORD_ROLE = "pgcdc_secret";
    public static final String PASSWORD_ROLE_PASSWORD = "right-horse-battery";
    public static final String USER = "postgres";

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static EmbeddedPostgres postgres;
    private static EmbeddedKafkaBroker kafka;

    private TestServices() {
    }

    /** The shared server's port; the server (of the major under test) starts on first use. */
    public static synchronized int postgresPort() {
        if (postgres == null) {
            try {
                postgres = OtherPostgresMajors.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            requirePasswordFor(postgres.getPort());
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    System.err.println("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
                }
            }));
        }
        return postgres.getPort();
    }

    public static synchronized KafkaConfig kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafkaBroker.start();
            EmbeddedKafkaBroker started = kafka;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return KafkaConfig.of(kafka.bootstrapServers());
    }

    /** A fresh, empty database on the shared server, as the superuser. */
    public static DatabaseConfig newDatabase() {
        String name = uniqueName("db");
        execute(admin(), "CREATE DATABASE " + name);
        return new DatabaseConfig(url(name), USER, null);
    }

    /** A name no other test in this JVM uses, valid as an SQL identifier and a Kafka topic. */
    public static String uniqueName(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
    }

    public static Connection connect(DatabaseConfig database) throws SQLException {
        return DriverManager.getConnection(database.url(), database.connectionProperties("pgcdc-test"));
    }

    public static void execute(DatabaseConfig database, String sql) {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row of {@code sql}, as text; empty when there is no row. */
    public static String query(DatabaseConfig database, String sql) throws SQLException {
        try (Connection connection = connect(database);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    /** A table's rows as {@code row_to_json} text by their integer {@code id}: what a replayed copy must equal. */
    public static Map<Integer, String> rowsById(DatabaseConfig database, String table) throws SQLException {
        Map<Integer, String> rows = new HashMap<>();
        try (Connection connection = connect(database);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, row_to_json(t)::text FROM " + table + " t")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getString(2));
            }
        }
        return rows;
    }

    /** Runs a test resource as one script, e.g. the tutorial's SQL exactly as a user would paste it. */
    public static void executeResource(DatabaseConfig database, String resource) {
        try (var in = Objects.requireNonNull(TestServices.class.getResourceAsStream(resource), resource)) {
            execute(database, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DatabaseConfig admin() {
        return new DatabaseConfig(url("postgres"), USER, null);
    }

    private static String url(String database) {
        return "jdbc:postgresql://localhost:" + postgresPort() + "/" + database;
    }

    /** The embedded server trusts every local login; make one role prove its password instead. */
    private static void requirePasswordFor(int port) {
        DatabaseConfig admin = new DatabaseConfig("jdbc:postgresql://localhost:" + port + "/postgres", USER, null);
        try (Connection connection = connect(admin); Statement statement = connection.createStatement()) {
            statement.execute("SET password_encryption = 'scram-sha-256'");
            statement.execute("CREATE ROLE " + PASSWORD_ROLE + " LOGIN PASSWORD '" + PASSWORD_ROLE_PASSWORD + "'");
            Path hba;
            try (ResultSet rs = statement.executeQuery("SHOW hba_file")) {
                rs.next();
                hba = Path.of(rs.getString(1));
            }
            String rules = "host all " + PASSWORD_ROLE + " 127.0.0.1/32 scram-sha-256\n"
                    + "host all " + PASSWORD_ROLE + " ::1/128 scram-sha-256\n";
            Files.writeString(hba, rules + Files.readString(hba));
            statement.execute("SELECT pg_reload_conf()");
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot prepare the password role: " + e.getMessage(), e);
        }
    }
}
