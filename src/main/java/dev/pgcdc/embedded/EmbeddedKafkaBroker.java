package dev.pgcdc.embedded;

import dev.pgcdc.error.CdcException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
 * transactions work, with replication factor 1.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private final Map<String, Object> settings;
    private final Path dataDirectory;
    private final String bootstrapServers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Map<String, Object> settings, Path dataDirectory, String bootstrapServers) {
        this.server = server;
        this.settings = settings;
        this.dataDirectory = dataDirectory;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats storage, starts the node and returns once it answers metadata requests. */
    public static EmbeddedKafkaBroker start() {
        try {
            Path dataDirectory = Files.createTempDirectory("pgcdc-kafka-");
            int brokerPort = FreePorts.pick();
            int controllerPort = FreePorts.pick();
            Map<String, Object> settings = settings(dataDirectory, brokerPort, controllerPort);
            format(dataDirectory);
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(settings, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, settings, dataDirectory, "127.0.0.1:" + brokerPort);
            broker.awaitReady();
            return broker;
        } catch (Exception e) {
            throw new CdcException(CdcException.Kind.INTERNAL, "the embedded Kafka broker failed to start: " + e.getMessage(), e);
        }
    }

    /** Shuts the node down and starts it again on the same data and ports, as a broker restart does. */
    public synchronized void restart() {
        server.shutdown();
        server.awaitShutdown();
        try {
            server = new KafkaRaftServer(new KafkaConfig(settings, false), Time.SYSTEM);
            server.startup();
            awaitReady();
        } catch (Exception e) {
            throw new CdcException(CdcException.Kind.INTERNAL, "the embedded Kafka broker failed to restart: " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            KafkaRaftServer server;
            synchronized (this) {
                server = this.server;
            }
            server.shutdown();
            server.awaitShutdown();
            deleteRecursively(dataDirectory);
        }
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

    private void awaitReady() throws Exception {
        Map<String, Object> settings = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(settings)) {
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
