package dev.pgcdc.sink.kafka;

import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.error.CdcException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Start-up checks against the cluster, so a wrong address fails in seconds with a clear line instead of a
 * producer blocking for a minute: the brokers answer, and the topics exist (created with the broker's
 * defaults when missing). One instance is one admin client, so a start that checks several things pays for
 * one client and one metadata bootstrap, not one per check.
 */
public final class KafkaClusterCheck implements AutoCloseable {

    /** How long to wait before asking again about a topic the broker does not know yet. */
    private static final Duration UNKNOWN_TOPIC_BACKOFF = Duration.ofMillis(100);

    private final KafkaConfig kafka;
    private final Duration timeout;
    private final Admin admin;

    private KafkaClusterCheck(KafkaConfig kafka, Duration timeout) {
        this.kafka = kafka;
        this.timeout = timeout;
        int millis = (int) timeout.toMillis();
        try {
            this.admin = Admin.create(kafka.clientProperties(Map.of(
                    AdminClientConfig.CLIENT_ID_CONFIG, "pgcdc-admin",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis)));
        } catch (KafkaException e) {
            throw KafkaErrors.describe(e, kafka);
        }
    }

    /**
     * Connects to {@code kafka} and checks that a broker answers within {@code timeout}; fails with one line
     * when none does, or when it refuses this client's credentials (said as such: an authentication problem
     * is not an outage). The caller closes the returned check.
     */
    public static KafkaClusterCheck connect(KafkaConfig kafka, Duration timeout) {
        KafkaClusterCheck check = new KafkaClusterCheck(kafka, timeout);
        try {
            check.await(check.admin.describeCluster().clusterId());
            return check;
        } catch (RuntimeException e) {
            check.close();
            throw e;
        }
    }

    /** {@link #connect} and close: fails with one line when no broker of {@code kafka} answers within {@code timeout}. */
    public static void verifyReachable(KafkaConfig kafka, Duration timeout) {
        connect(kafka, timeout).close();
    }

    /** Fails with one line when {@code topic} does not exist, rather than letting a consumer wait on it forever. */
    public static void requireTopic(KafkaConfig kafka, String topic, Duration timeout) {
        try (KafkaClusterCheck check = new KafkaClusterCheck(kafka, timeout)) {
            if (!check.await(check.admin.listTopics().names()).contains(topic)) {
                throw new CdcException(CdcException.Kind.CONFIGURATION, "topic '" + topic + "' does not exist on Kafka at "
                        + kafka.bootstrapServers() + ": check --topic (capture creates its topics when it starts; "
                        + "trigger and logical topics are PREFIX.SCHEMA.TABLE)");
            }
        }
    }

    /** Creates those of {@code topics} that do not exist yet, with the broker's default partitions and replicas. */
    public static void ensureTopics(KafkaConfig kafka, Collection<String> topics, Duration timeout) {
        try (KafkaClusterCheck check = new KafkaClusterCheck(kafka, timeout)) {
            check.ensureTopics(topics);
        }
    }

    /** Creates those of {@code topics} that do not exist yet, with the broker's default partitions and replicas. */
    public void ensureTopics(Collection<String> topics) {
        Set<String> missing = new HashSet<>(topics);
        missing.removeAll(await(admin.listTopics().names()));
        List<NewTopic> creations = missing.stream()
                .map(topic -> new NewTopic(topic, Optional.empty(), Optional.empty()))
                .toList();
        for (var result : admin.createTopics(creations).values().values()) {
            try {
                result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new CdcException(CdcException.Kind.CONFIGURATION,
                            "cannot create Kafka topics " + missing + ": " + e.getCause().getMessage()
                                    + " (create them yourself or allow this client to)", e);
                }
            } catch (TimeoutException e) {
                throw failure(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unreachable(e);
            }
        }
    }

    /**
     * The largest record each topic takes ({@code max.message.bytes}, the broker's default unless the topic
     * overrides it), to say at start what will happen to larger rows.
     */
    public Map<String, Integer> maxMessageBytes(Collection<String> topics) {
        List<ConfigResource> resources = topics.stream().map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        Map<String, Integer> limits = new TreeMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            describedConfigs(resources, deadline).forEach((resource, config) -> {
                ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (entry != null && entry.value() != null) {
                    limits.put(resource.name(), Integer.parseInt(entry.value()));
                }
            });
            return limits;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new CdcException(CdcException.Kind.UNAVAILABLE, "cannot read the topics' max.message.bytes from Kafka at "
                    + kafka.bootstrapServers() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdcException(CdcException.Kind.INTERNAL, "interrupted while reading the topics' settings", e);
        }
    }

    /**
     * The topics' settings; asked again while the broker does not know a topic yet, as happens for a moment
     * after it was created (the broker that answers learns of it from the controller).
     */
    private Map<ConfigResource, Config> describedConfigs(List<ConfigResource> resources, long deadline)
            throws ExecutionException, TimeoutException, InterruptedException {
        while (true) {
            long left = deadline - System.nanoTime();
            try {
                return admin.describeConfigs(resources).all().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || left <= UNKNOWN_TOPIC_BACKOFF.toNanos()) {
                    throw e;
                }
                Thread.sleep(UNKNOWN_TOPIC_BACKOFF.toMillis());
            }
        }
    }

    @Override
    public void close() {
        admin.close();
    }

    private <T> T await(KafkaFuture<T> result) {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw failure(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(e);
        }
    }

    private CdcException failure(Exception e) {
        CdcException refused = KafkaErrors.accessRefused(e instanceof ExecutionException ? e.getCause() : e, kafka);
        return refused != null ? refused : unreachable(e);
    }

    private CdcException unreachable(Exception e) {
        return new CdcException(CdcException.Kind.UNAVAILABLE,
                "cannot reach Kafka at " + kafka.bootstrapServers() + " within " + timeout.toSeconds()
                        + " s: check --kafka (PGCDC_KAFKA_BOOTSTRAP), that the broker is running, and --kafka-property "
                        + "security.protocol if its listener needs SASL or TLS", e);
    }
}
