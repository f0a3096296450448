package dev.pgcdc.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** The PostgreSQL server the run writes to: a private cluster or the user's {@code --db}, as a superuser. */
record Database(String baseUrl, String user, String password) {

    /** The same server, another database: the run gives each system its own, so slots and triggers never mix. */
    String url(String database) {
        int slash = baseUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = baseUrl.indexOf('?', Math.max(slash, 0));
        return baseUrl.substring(0, slash + 1) + database + (query < 0 ? "" : baseUrl.substring(query));
    }

    void execute(String database, String... statements) {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused the bench's SQL: " + e.getMessage(), e);
        }
    }

    String query(String database, String sql) {
        try (Connection c = connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused the bench's SQL: " + e.getMessage(), e);
        }
    }

    /** A fresh database holding one table per workload, all alike: 10 columns of the common types. */
    void recreate(String database, Iterable<Workload> workloads) {
        drop(database);
        execute("postgres", "CREATE DATABASE " + database);
        for (Workload w : workloads) {
            execute(database, "CREATE TABLE " + w.table() + " (id bigserial PRIMARY KEY, " + WorkloadDriver.COLUMNS + ")");
        }
    }

    void drop(String database) {
        execute("postgres",
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '" + database + "'",
                "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    private Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return DriverManager.getConnection(url(database), props);
    }
}
