package dev.pgcdc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Where and when the figures were taken: date, machine, versions, load, the exact command. */
record RunInfo(Instant started, String command, String loadBefore, String machine) {

    static RunInfo before(BenchRun.Options options, String[] argv) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--project")) {
                i++;
            } else {
                args.add(argv[i]);
            }
        }
        return new RunInfo(Instant.now(), ("bench/run " + String.join(" ", args)).trim(), loadAverage(), describeMachine());
    }

    /** {@code servers}: what the run learnt from PostgreSQL and the project (versions), one line. */
    List<String> after(String servers) {
        List<String> lines = new ArrayList<>();
        lines.add("- command: `" + command + "`");
        lines.add("- started " + started + ", finished " + Instant.now());
        lines.add("- machine: " + machine);
        lines.add("- Java " + System.getProperty("java.version") + ", Kafka clients "
                + org.apache.kafka.common.utils.AppInfoParser.getVersion() + ", Debezium "
                + io.debezium.connector.postgresql.Module.version() + ", " + servers);
        lines.add("- load average (1, 5, 15 min) before the run: " + loadBefore + "; after: " + loadAverage()
                + " (the run's own processes count too; each line of the console log shows it per phase)");
        return lines;
    }

    /** PostgreSQL's version, and pgcdc's and the broker's from the jars in the project's target/. */
    static String versions(Database db, Path project) {
        String broker = jarVersion(project.resolve("target/lib-demo"), "kafka_2.13-");
        return "PostgreSQL " + db.query("postgres", "SHOW server_version") + " (fsync on, synchronous_commit on), "
                + "Kafka broker " + broker + ", pgcdc " + jarVersion(project.resolve("target"), "pgcdc.jar");
    }

    private static String jarVersion(Path dir, String prefix) {
        try (var files = Files.list(dir)) {
            Path jar = files.filter(f -> f.getFileName().toString().startsWith(prefix)).findFirst().orElse(null);
            if (jar == null) {
                return "unknown";
            }
            if (!prefix.endsWith(".jar")) {
                String name = jar.getFileName().toString();
                return name.substring(prefix.length(), name.length() - ".jar".length());
            }
            try (var file = new java.util.jar.JarFile(jar.toFile())) {
                return file.getManifest().getMainAttributes().getValue("Implementation-Version");
            }
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String describeMachine() {
        try {
            String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
            String mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024 + " GiB").orElse("? GiB");
            return Runtime.getRuntime().availableProcessors() + " cores (" + model + "), " + mem + ", "
                    + System.getProperty("os.name") + " " + System.getProperty("os.version");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
