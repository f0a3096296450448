package dev.pgcdc.embedded;

import dev.pgcdc.error.CdcException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A single-node Kafka cluster (KRaft, combined broker and controller) in this JVM, on loopback ports
 * chosen at start, with its data in a temporary folder removed on close. For the demo and the tests;
 * transactions work, with replication factor 1. It can be stopped and started again on the same ports and
 * data, as an outage that clients see end.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private final Map<String, Object> settings;
    private final Path dataDirectory;
    private final String bootstrapServers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(Map<String, Object> settings, Path dataDirectory, String bootstrapServers) {
        this.settings = settings;
        this.dataDirectory = dataDirectory;
        this.bootstrapServers = bootstrapServers;
    }

    private EmbeddedKafkaBroker(Map<String, Object> settings, Path dataDirectory, String bootstrapServers, KafkaRaftServer running) {
        this(settings, dataDirectory, bootstrapServers);
        this.server = running;
    }

    /** Formats storage, starts the node and returns once it answers metadata requests. */
    public static EmbeddedKafkaBroker start() {
        try {
            Path dataDirectory = Files.createTempDirectory("pgcdc-kafka-");
            int brokerPort = FreePorts.pick();
            int controllerPort = FreePorts.pick();
            Map<String, Object> settings = settings(dataDirectory, brokerPort, controllerPort);
            format(dataDirectory);
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(settings, dataDirectory, "127.0.0.1:" + brokerPort);
            broker.startServer();
            return broker;
        } catch (Exception e) {
            throw new CdcException(CdcException.Kind.INTERNAL, "the embedded Kafka broker failed to start: " + e.getMessage(), e);
        }
    }

    /**
     * Like {@link #start()}, but clients must log in with SASL/SCRAM-SHA-256 as {@code user}: {@link #bootstrapServers()}
     * is a SASL_PLAINTEXT listener. The node itself talks to itself over a PLAINTEXT listener, also used to
     * create the user.
     */
    public static EmbeddedKafkaBroker startWithScram(String user, String password) {
        try {
            Path dataDirectory = Files.createTempDirectory("pgcdc-kafka-");
            int internalPort = FreePorts.pick();
            int controllerPort = FreePorts.pick();
            int saslPort = FreePorts.pick();
            Map<String, Object> settings = settings(dataDirectory, internalPort, controllerPort);
            settings.put("listeners", "PLAINTEXT://127.0.0.1:" + internalPort + ",CONTROLLER://127.0.0.1:" + controllerPort
                    + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
            settings.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + internalPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
            settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT");
            settings.put("sasl.enabled.mechanisms", "SCRAM-SHA-256");
            settings.put("listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            format(dataDirectory);
            EmbeddedKafkaBroker internal = new EmbeddedKafkaBroker(settings, dataDirectory, "127.0.0.1:" + internalPort);
            internal.startServer();
            try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, internal.bootstrapServers))) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), password))).all().get(30, TimeUnit.SECONDS);
            }
            return new EmbeddedKafkaBroker(settings, dataDirectory, "127.0.0.1:" + saslPort, internal.server);
        } catch (Exception e) {
            throw new CdcException(CdcException.Kind.INTERNAL, "the embedded Kafka broker failed to start: " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Shuts the node down, keeping its data; {@link #restart()} brings it back. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts a stopped node again on the same ports with the same data; returns once it answers. */
    public synchronized void restart() {
        if (closed.get()) {
            throw new IllegalStateException("the embedded Kafka broker is closed");
        }
        if (server == null) {
            try {
                startServer();
            } catch (Exception e) {
                throw new CdcException(CdcException.Kind.INTERNAL, "the embedded Kafka broker failed to restart: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            stop();
            deleteRecursively(dataDirectory);
        }
    }

    private synchronized void startServer() throws Exception {
        server = new KafkaRaftServer(new KafkaConfig(settings, false), Time.SYSTEM);
        server.startup();
        awaitReady();
    }

    private static Map<String, Object> settings(Path dataDirectory, int brokerPort, int controllerPort) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", "1");
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        settings.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("inter.broker.listener.name", "PLAINTEXT");
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        settings.put("log.dirs", dataDirectory.toString());
        settings.put("num.partitions", "1");
        settings.put("auto.create.topics.enable", "true");
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", "1");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("transaction.state.log.num.partitions", "1");
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("message.max.bytes", Integer.toString(64 * 1024 * 1024));
        settings.put("replica.fetch.max.bytes", Integer.toString(64 * 1024 * 1024));
        return settings;
    }

    private static void format(Path dataDirectory) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(dataDirectory.toString()))
                .setMetadataLogDirectory(dataDirectory.toString())
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setControllerListenerName("CONTROLLER")
                .run();
    }

    /** Waits on the PLAINTEXT listener, which needs no login whatever clients are asked for. */
    private void awaitReady() throws Exception {
        String advertised = (String) settings.get("advertised.listeners");
        String plaintext = advertised.substring("PLAINTEXT://".length()).split(",")[0];
        Map<String, Object> client = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, plaintext,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(client)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("no broker registered within 30 s");
                }
                Thread.sleep(50);
            }
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
