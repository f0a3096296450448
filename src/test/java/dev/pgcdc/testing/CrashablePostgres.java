package dev.pgcdc.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A private PostgreSQL on a fixed port and data folder, so a test can crash it and start it again on the same data. */
public final class CrashablePostgres {

    private CrashablePostgres() {
    }

    /** Starts (or starts again) the server of {@code data} on {@code port}, keeping whatever the folder holds. */
    public static EmbeddedPostgres start(Path data, int port) throws IOException {
        return OtherPostgresMajors.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }

    /** SIGQUIT to the postmaster: immediate shutdown, no checkpoint, crash recovery at the next start. */
    public static void crash(Path data) throws Exception {
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start().waitFor();
        postmaster.onExit().get(30, TimeUnit.SECONDS);
    }
}
