package dev.pgcdc.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL cluster from the machine's own server binaries on a free port, with fsync and
 * synchronous_commit ON so that "PostgreSQL alone" is what a real server does here (the embedded test server runs
 * with fsync off and would inflate the ceiling).
 */
final class PrivatePostgres implements AutoCloseable {

    static final String PASSWORD = "bench";

    private final Path bin;
    private final Path dir;
    private final int port;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private PrivatePostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    static PrivatePostgres start(Path runDir) throws IOException, InterruptedException {
        Path bin = serverBinaries();
        Path dir = Files.createTempDirectory("pgcdc-bench-pg-");
        Path pwfile = dir.resolve("pw");
        Files.writeString(pwfile, PASSWORD);
        Path data = dir.resolve("data");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "-R", "postgres", dir.toString()), runDir);
        }
        int port = freePort();
        PrivatePostgres pg = new PrivatePostgres(bin, dir, port);
        pg.asPostgres(dir, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "-A", "scram-sha-256", "--pwfile=" + pwfile, "--no-sync");
        pg.asPostgres(dir, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(),
                "-w", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir
                        + " -c wal_level=logical -c max_wal_senders=20 -c max_replication_slots=20"
                        + " -c max_connections=100 -c fsync=on -c synchronous_commit=on -c shared_buffers=256MB"
                        + " -c max_wal_size=4GB",
                "start");
        return pg;
    }

    static Path serverBinaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql: install the "
                    + "postgresql package, or pass --db JDBC_URL of a server with wal_level=logical");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("postgres")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql"));
        }
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    String host() {
        return "127.0.0.1";
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            asPostgres(dir, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "stop");
        } catch (Exception e) {
            System.err.println("could not stop the bench PostgreSQL in " + dir + ": " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }

    private void asPostgres(Path workDir, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        run(full, workDir);
    }

    private static void run(List<String> command, Path workDir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output.trim());
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
