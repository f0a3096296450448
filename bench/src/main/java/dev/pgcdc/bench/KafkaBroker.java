package dev.pgcdc.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A single-node KRaft broker in its own JVM, from pgcdc's own lib/ folder (Kafka is already there for the demo). */
final class KafkaBroker implements AutoCloseable {

    private final ChildProcess process;
    private final String bootstrap;
    private final Path logDir;

    private KafkaBroker(ChildProcess process, String bootstrap, Path logDir) {
        this.process = process;
        this.bootstrap = bootstrap;
        this.logDir = logDir;
    }

    static KafkaBroker start(Path project, Path runDir) throws IOException, InterruptedException {
        int brokerPort = PrivatePostgres.freePort();
        int controllerPort = PrivatePostgres.freePort();
        Path logs = Files.createDirectories(runDir.resolve("kafka-data"));
        Path config = runDir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + logs,
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // The reader measures from the broker's clock, so every topic stamps records on append.
                "log.message.timestamp.type=LogAppendTime",
                ""));
        // The broker comes with the demo's libraries (target/lib-demo), the clients with pgcdc's own (target/lib).
        List<String> java = List.of(javaBin(), "-Xms512m", "-Xmx512m", "-cp",
                project.resolve("target/lib-demo") + "/*" + File.pathSeparator + project.resolve("target/lib") + "/*");
        Process format = new ProcessBuilder(concat(java, List.of("kafka.tools.StorageTool", "format", "-t",
                Uuid.randomUuid().toString(), "-c", config.toString())))
                .redirectErrorStream(true).redirectOutput(runDir.resolve("kafka-format.out").toFile()).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("formatting the Kafka log folder failed: see " + runDir.resolve("kafka-format.out"));
        }
        ChildProcess broker = ChildProcess.start("kafka-broker", concat(java, List.of("kafka.Kafka", config.toString())),
                Map.of(), runDir, project);
        KafkaBroker kafka = new KafkaBroker(broker, "127.0.0.1:" + brokerPort, logs);
        kafka.awaitReady(Duration.ofSeconds(60));
        return kafka;
    }

    String bootstrap() {
        return bootstrap;
    }

    /** The broker's log folder, where the reader finds the commit markers no consumer receives. */
    Path logDir() {
        return logDir;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitListening(deadline, timeout);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000"))) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the bench's Kafka broker did not start within "
                                + timeout.toSeconds() + " s: see kafka-broker.err", e);
                    }
                }
            }
        }
    }

    /** The admin client logs every refused connection, so first wait quietly for the port to accept one. */
    private void awaitListening(long deadline, Duration timeout) {
        String[] hostPort = bootstrap.split(":");
        while (true) {
            try (java.net.Socket socket = new java.net.Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the bench's Kafka broker did not listen within "
                            + timeout.toSeconds() + " s: see kafka-broker.err", e);
                }
                process.assertAlive();
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
        }
    }

    @Override
    public void close() {
        process.close();
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
