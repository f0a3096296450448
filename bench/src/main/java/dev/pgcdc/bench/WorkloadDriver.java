package dev.pgcdc.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.pgcdc.bench.report.LatencyHistogram;

/**
 * The workload driver, its own process: writes {@code --changes} changes into {@code --table} from
 * {@code --writers} connections, then prints {@code RESULT changes=N start_ms=S end_ms=E}.
 * Kinds: {@code single} (autocommit single-row inserts, full speed), {@code tx} (transactions of
 * {@code --tx-size} inserts), {@code mixed} (inserts, updates and deletes of the writer's own rows, 10 per
 * transaction), {@code rate} (single-row inserts on an absolute schedule of {@code --rate} per second: each row
 * carries the time it was due in {@code due_ms}, so a writer falling behind shows as latency, not as a lower load;
 * writers that fall so far behind that twice the planned time has passed stop, and the result says how many they wrote).
 * A paced run's result also gives {@code committed_p50=…} and the other percentiles of each insert's commit returning minus
 * the time it was due, in milliseconds. With no
 * capture installed that is the floor of any capture's latency on the machine: PostgreSQL's own commit (its WAL flush)
 * and the writers' lateness.
 */
public final class WorkloadDriver {

    static final String COLUMNS = "due_ms bigint, qty int, price numeric(12,2), name text, note text, "
            + "created timestamptz, attrs jsonb, tags text[], scores int[]";
    private static final String INSERT = "INSERT INTO %s (due_ms, qty, price, name, note, created, attrs, tags, scores) "
            + "VALUES (?, ?, ?::numeric, ?, ?, now(), ?::jsonb, ?::text[], ?::int[])";
    private static final int WARM_UP_ROWS = 2_000;
    private static final String NOTE = "a change captured from PostgreSQL and delivered to Kafka by the benchmark; ".repeat(2);

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        String kind = args.get("kind");
        int writers = args.integer("writers");
        long changes = args.number("changes");
        String table = args.get("table");
        Properties props = new Properties();
        props.setProperty("user", args.get("user"));
        props.setProperty("password", System.getenv().getOrDefault("BENCH_DB_PASSWORD", ""));
        props.setProperty("reWriteBatchedInserts", "true");
        List<Connection> connections = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            connections.add(DriverManager.getConnection(args.get("db"), props));
        }
        double rate = Double.parseDouble(args.get("rate", "0"));
        int txSize = Integer.parseInt(args.get("tx-size", "1000"));
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        if (rate > 0) {
            warmUp(pool, connections, table);
        }
        long startMs = System.currentTimeMillis() + 100;
        long startNanos = System.nanoTime() + 100_000_000L;
        AtomicLong written = new AtomicLong();
        LatencyHistogram committed = new LatencyHistogram();
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Connection c = connections.get(w);
            long share = changes / writers + (w < changes % writers ? 1 : 0);
            done.add(pool.submit(() -> {
                LockSupport.parkNanos(startNanos - System.nanoTime());
                long rows = switch (kind) {
                    case "single" -> single(c, table, share);
                    case "tx" -> transactions(c, table, share, txSize);
                    case "mixed" -> mixed(c, table, share, writer);
                    case "rate" -> paced(c, table, changes, writers, writer, rate, startMs, startNanos, committed);
                    default -> throw new IllegalArgumentException("unknown --kind " + kind);
                };
                written.addAndGet(rows);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        long endMs = System.currentTimeMillis();
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        for (Connection c : connections) {
            c.close();
        }
        String commitLatency = committed.count() == 0 ? "" : " " + committed.summary().toLine().replaceAll("(\\w+)=", "committed_$1=");
        System.out.println("RESULT changes=" + written.get() + " planned=" + changes + " start_ms=" + startMs + " end_ms=" + endMs
                + commitLatency);
    }

    private static long single(Connection c, String table, long rows) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(INSERT.formatted(table))) {
            SplittableRandom random = new SplittableRandom();
            for (long i = 0; i < rows; i++) {
                bind(insert, random, 0);
                insert.executeUpdate();
            }
        }
        return rows;
    }

    private static long transactions(Connection c, String table, long rows, int txSize) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement insert = c.prepareStatement(INSERT.formatted(table))) {
            SplittableRandom random = new SplittableRandom();
            for (long i = 0; i < rows; i++) {
                bind(insert, random, 0);
                insert.addBatch();
                if ((i + 1) % txSize == 0 || i + 1 == rows) {
                    insert.executeBatch();
                    c.commit();
                }
            }
        }
        return rows;
    }

    /** 50% inserts, 30% updates, 20% deletes, each touching exactly one of this writer's own rows. */
    private static long mixed(Connection c, String table, long ops, int writer) throws SQLException {
        c.setAutoCommit(false);
        SplittableRandom random = new SplittableRandom(writer);
        List<Long> live = new ArrayList<>();
        try (PreparedStatement insert = c.prepareStatement(INSERT.formatted(table) + " RETURNING id");
             PreparedStatement update = c.prepareStatement("UPDATE " + table
                     + " SET qty = qty + 1, price = price + 0.01, note = ?, attrs = attrs || '{\"touched\":true}' WHERE id = ?");
             PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            for (long i = 0; i < ops; i++) {
                double dice = random.nextDouble();
                if (dice < 0.5 || live.isEmpty()) {
                    bind(insert, random, 0);
                    try (ResultSet rs = insert.executeQuery()) {
                        rs.next();
                        live.add(rs.getLong(1));
                    }
                } else if (dice < 0.8) {
                    update.setString(1, "updated " + i);
                    update.setLong(2, live.get(random.nextInt(live.size())));
                    expectOneRow(update.executeUpdate());
                } else {
                    delete.setLong(1, live.remove(random.nextInt(live.size())));
                    expectOneRow(delete.executeUpdate());
                }
                if ((i + 1) % 10 == 0 || i + 1 == ops) {
                    c.commit();
                }
            }
        }
        return ops;
    }

    /** Returns how many rows this writer wrote. */
    private static long paced(Connection c, String table, long total, int writers, int writer, double rate,
                              long startMs, long startNanos, LatencyHistogram committed) throws SQLException {
        long giveUpNanos = startNanos + (long) (2 * total * 1e9 / rate);
        long rows = 0;
        try (PreparedStatement insert = c.prepareStatement(INSERT.formatted(table))) {
            SplittableRandom random = new SplittableRandom();
            for (long i = writer; i < total && System.nanoTime() < giveUpNanos; i += writers, rows++) {
                long dueOffsetNanos = (long) (i * 1e9 / rate);
                LockSupport.parkNanos(startNanos + dueOffsetNanos - System.nanoTime());
                bind(insert, random, startMs + dueOffsetNanos / 1_000_000);
                insert.executeUpdate();
                long lateNanos = System.nanoTime() - (startNanos + dueOffsetNanos);
                synchronized (committed) {
                    committed.record(lateNanos / 1_000_000);
                }
            }
        }
        return rows;
    }

    /**
     * Before a paced schedule starts, each writer runs the insert it is about to pace {@value #WARM_UP_ROWS} times and rolls
     * it back, which no capture sees. Otherwise the first second's commits come back late from this JVM's interpreted JDBC
     * code and the fresh backends, and that lateness, counted from the due time, would be charged to every capture and to
     * PostgreSQL alone.
     */
    private static void warmUp(ExecutorService pool, List<Connection> connections, String table) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (Connection c : connections) {
            done.add(pool.submit(() -> {
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement(INSERT.formatted(table))) {
                    SplittableRandom random = new SplittableRandom();
                    for (int i = 1; i <= WARM_UP_ROWS; i++) {
                        bind(insert, random, 0);
                        insert.executeUpdate();
                        if (i % 100 == 0) {
                            c.rollback();
                        }
                    }
                }
                c.rollback();
                c.setAutoCommit(true);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
    }

    private static void bind(PreparedStatement insert, SplittableRandom random, long dueMs) throws SQLException {
        int n = random.nextInt(1_000_000);
        insert.setLong(1, dueMs);
        insert.setInt(2, n % 100);
        insert.setString(3, (n % 10_000) + "." + (n % 100));
        insert.setString(4, "item-" + n);
        insert.setString(5, NOTE);
        insert.setString(6, "{\"n\":" + n + ",\"colour\":\"blue\",\"sizes\":[1,2,3]}");
        insert.setString(7, "{red,green,\"item " + n % 7 + "\"}");
        insert.setString(8, "{" + n % 13 + "," + n % 17 + "," + n % 19 + "}");
    }

    private static void expectOneRow(int count) {
        if (count != 1) {
            throw new IllegalStateException("expected to change one row, changed " + count);
        }
    }
}
