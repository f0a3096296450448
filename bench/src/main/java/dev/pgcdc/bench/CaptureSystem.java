package dev.pgcdc.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A capture system under test: pgcdc in one of its modes, started with {@code ./pgcdc}, or Debezium's engine. */
interface CaptureSystem {

    String label();

    /** Its own database on the server, and the prefix of its topics. */
    String id();

    /** Installs what capture needs on the workloads' tables (publication, triggers) before anything is written. */
    void prepare(Database db, List<Workload> workloads, Path runDir);

    ChildProcess start(Database db, String kafka, Path runDir, int generation);

    /**
     * After the first capture process stopped, before the next one starts and is timed: what a launcher does once
     * after a build is done here, so the backlog's figure counts a restart as users restart, not a first launch.
     */
    default void afterFirstStop(Path runDir) {
    }

    default String topic(Workload w) {
        return id() + ".public." + w.table();
    }

    /**
     * pgcdc's capture, started exactly as a user starts it: {@code ./pgcdc capture ...} from the project; with
     * {@code exactlyOnce}, {@code --exactly-once} at its default transaction interval.
     */
    record Pgcdc(String mode, Path project, boolean exactlyOnce) implements CaptureSystem {

        @Override
        public String label() {
            return "pgcdc " + mode + (exactlyOnce ? " exactly-once" : "");
        }

        @Override
        public String id() {
            return "bench_" + mode + (exactlyOnce ? "_eo" : "");
        }

        @Override
        public void prepare(Database db, List<Workload> workloads, Path runDir) {
            List<String> command = new ArrayList<>(List.of(project.resolve("pgcdc").toString(), "setup", "--mode", mode,
                    "--db", db.url(id()), "--user", db.user()));
            for (Workload w : workloads) {
                command.addAll(List.of("--table", "public." + w.table()));
            }
            if (mode.equals("logical")) {
                command.addAll(List.of("--publication", id()));
            }
            try (ChildProcess setup = ChildProcess.start(id() + "-setup", command, env(db), runDir, project)) {
                setup.awaitExit(java.time.Duration.ofMinutes(2));
            }
        }

        @Override
        public ChildProcess start(Database db, String kafka, Path runDir, int generation) {
            List<String> command = new ArrayList<>(List.of(project.resolve("pgcdc").toString(), "capture", "--mode", mode,
                    "--db", db.url(id()), "--user", db.user(), "--kafka", kafka, "--topic-prefix", id()));
            if (mode.equals("logical")) {
                command.addAll(List.of("--slot", id(), "--publication", id()));
            }
            if (exactlyOnce) {
                command.add("--exactly-once");
            }
            return ChildProcess.start(id() + "-capture-" + generation, command, env(db), runDir, project);
        }

        /**
         * The first capture after a build records the classes it loads, and the next launch of {@code ./pgcdc} writes
         * the class data archive from them before it starts (2.5 s here), which the backlog's timed start would count.
         */
        @Override
        public void afterFirstStop(Path runDir) {
            try (ChildProcess version = ChildProcess.start(id() + "-archive", List.of(project.resolve("pgcdc").toString(), "--version"),
                    Map.of(), runDir, project)) {
                version.awaitExit(java.time.Duration.ofMinutes(2));
            }
        }

        private static Map<String, String> env(Database db) {
            return Map.of("PGCDC_DB_PASSWORD", db.password());
        }
    }

    /** Debezium's PostgreSQL connector in its embedded engine, in its own JVM with default settings. */
    record Debezium(String classpath) implements CaptureSystem {

        @Override
        public String label() {
            return "Debezium " + io.debezium.connector.postgresql.Module.version();
        }

        @Override
        public String id() {
            return "bench_debezium";
        }

        @Override
        public void prepare(Database db, List<Workload> workloads, Path runDir) {
            db.execute(id(), "CREATE PUBLICATION " + id() + " FOR TABLE "
                    + String.join(", ", workloads.stream().map(Workload::table).toList()));
        }

        @Override
        public ChildProcess start(Database db, String kafka, Path runDir, int generation) {
            List<String> command = List.of(KafkaBroker.javaBin(), "-cp", classpath, DebeziumCapture.class.getName(),
                    "--db", db.url(id()), "--user", db.user(), "--kafka", kafka, "--topic-prefix", id(),
                    "--slot", id(), "--publication", id(), "--offsets", runDir.resolve("debezium-offsets.dat").toString());
            return ChildProcess.start(id() + "-capture-" + generation, command,
                    Map.of("BENCH_DB_PASSWORD", db.password()), runDir, runDir);
        }
    }
}
