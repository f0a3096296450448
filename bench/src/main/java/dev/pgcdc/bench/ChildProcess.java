package dev.pgcdc.bench;

import dev.pgcdc.bench.report.KeyValues;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A process the runner started, its stdout and stderr in files under the run's folder. */
final class ChildProcess implements AutoCloseable {

    /** Every process still running, so that an interrupted run (Ctrl-C) leaves none behind. */
    private static final java.util.Set<ChildProcess> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final String name;
    private final Process process;
    private final Path out;

    private ChildProcess(String name, Process process, Path out) {
        this.name = name;
        this.process = process;
        this.out = out;
    }

    static ChildProcess start(String name, List<String> command, Map<String, String> env, Path logDir, Path workDir) {
        try {
            Path out = logDir.resolve(name + ".out");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(logDir.resolve(name + ".err").toFile());
            builder.environment().putAll(env);
            ChildProcess child = new ChildProcess(name, builder.start(), out);
            LIVE.add(child);
            return child;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    void assertAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + ": see "
                    + out.getParent().resolve(name + ".err"));
        }
    }

    /** Waits until stdout has a line starting with {@code prefix}; fails fast when the process exits first. */
    String awaitLine(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> line = lineStartingWith(prefix);
            if (line.isPresent()) {
                return line.get();
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before printing '"
                        + prefix + "': see " + out.getParent().resolve(name + ".err"));
            }
            pause();
        }
        throw new IllegalStateException(name + " printed no '" + prefix + "' within " + timeout.toSeconds() + " s: see "
                + out.getParent().resolve(name + ".err"));
    }

    KeyValues awaitResult(Duration timeout) {
        return KeyValues.parse(awaitLine("RESULT", timeout));
    }

    void awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not exit within " + timeout.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ": see "
                        + out.getParent().resolve(name + ".err"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** SIGTERM, as a user's Ctrl-C or service manager would stop it; SIGKILL if it does not stop in time. */
    static void closeAll() {
        LIVE.forEach(ChildProcess::close);
    }

    @Override
    public void close() {
        LIVE.remove(this);
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private Optional<String> lineStartingWith(String prefix) {
        try {
            if (!Files.exists(out)) {
                return Optional.empty();
            }
            return Files.readAllLines(out).stream().filter(l -> l.startsWith(prefix)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
