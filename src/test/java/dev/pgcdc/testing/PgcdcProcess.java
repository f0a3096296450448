package dev.pgcdc.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The packaged {@code pgcdc.jar} run as a separate JVM, as a user runs it; its output is collected line by line. */
public final class PgcdcProcess implements AutoCloseable {

    /** The JVM options {@code ./pgcdc} and {@code bin/pgcdc} give capture by default ({@code LaunchersTest} checks both). */
    public static final List<String> LAUNCHER_JVM_OPTIONS = List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:NewRatio=1", "-XX:MetaspaceSize=64m");
    /** The environment the launchers give the JVM by default: glibc's malloc arenas. */
    public static final Map<String, String> LAUNCHER_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    /**
     * Processes still running, killed when the test JVM exits: a test that fails between starting a capture and
     * stopping it would otherwise leave it running, retrying servers that are gone, after the build ends.
     */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "pgcdc-process-reaper"));
    }

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private PgcdcProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::collect, "pgcdc-process-output");
        reader.start();
    }

    public static PgcdcProcess start(String... args) throws IOException {
        return startWithHeap("512m", args);
    }

    /** Starts pgcdc with the JVM options and environment that {@code ./pgcdc} and {@code bin/pgcdc} give it by default. */
    public static PgcdcProcess startLikeTheLauncher(String... args) throws IOException {
        return startWithJvmOptions(LAUNCHER_JVM_OPTIONS, LAUNCHER_ENVIRONMENT, args);
    }

    /** Starts pgcdc with its heap capped at {@code maxHeap} (a {@code -Xmx} value). */
    public static PgcdcProcess startWithHeap(String maxHeap, String... args) throws IOException {
        return startWithJvmOptions(List.of("-Xmx" + maxHeap), Map.of(), args);
    }

    private static PgcdcProcess startWithJvmOptions(List<String> jvmOptions, Map<String, String> environment, String... args)
            throws IOException {
        Path jar = Path.of(System.getProperty("pgcdc.jar", "target/pgcdc.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after `package`");
        }
        // As ./pgcdc runs it: the demo's embedded servers (target/lib-demo) on the classpath of `demo` alone.
        String classpath = args.length > 0 && args[0].equals("demo")
                ? jar + File.pathSeparator + jar.resolveSibling("lib-demo") + File.separator + "*"
                : jar.toString();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, "dev.pgcdc.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        return start(builder);
    }

    /** Starts any command line that runs pgcdc (the release archive's {@code bin/pgcdc}, say). */
    public static PgcdcProcess start(ProcessBuilder command) throws IOException {
        Process process = command.redirectErrorStream(true).start();
        RUNNING.add(process);
        process.onExit().thenRun(() -> RUNNING.remove(process));
        return new PgcdcProcess(process);
    }

    /** Waits until a line containing {@code text} was printed; false on timeout or if the process ended first. */
    public boolean awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (lines.stream().anyMatch(line -> line.contains(text))) {
                return true;
            }
            if (!process.isAlive() && !reader.isAlive()) {
                return lines.stream().anyMatch(line -> line.contains(text));
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Waits for the process to end, killing it after {@code timeout}; returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("pgcdc did not exit within " + timeout + "; output:\n" + output());
        }
        reader.join(5_000);
        return process.exitValue();
    }

    /** Sends SIGKILL: the process gets no chance to flush, confirm or clean up. */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor();
    }

    /**
     * Sends SIGTERM, as a service manager would. Through the handle: {@code Process.destroy()} would also
     * close our end of the output pipe and lose what the process prints while it shuts down.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** The peak resident set size of the process so far, in MB, from /proc. */
    public long peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IOException("no VmHWM for process " + process.pid());
    }

    public long pid() {
        return process.pid();
    }

    public String output() {
        return String.join("\n", lines);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private void collect() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("[output unreadable: " + e.getMessage() + "]");
        }
    }
}
