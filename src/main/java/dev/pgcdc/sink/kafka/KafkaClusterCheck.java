package dev.pgcdc.sink.kafka;

import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.error.CdcException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Start-up checks against the cluster, so a wrong address fails in seconds with a clear line instead of a
 * producer blocking for a minute: the brokers answer, and the topics exist (created with the broker's
 * defaults when missing).
 */
public final class KafkaClusterCheck {

    private KafkaClusterCheck() {
    }

    /**
     * Fails with one line when no broker of {@code kafka} answers within {@code timeout}, or when it refuses
     * this client's credentials (said as such: an authentication problem is not an outage).
     */
    public static void verifyReachable(KafkaConfig kafka, Duration timeout) {
        try (Admin admin = admin(kafka, timeout)) {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw failure(kafka, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(kafka, timeout, e);
        }
    }

    /** Fails with one line when {@code topic} does not exist, rather than letting a consumer wait on it forever. */
    public static void requireTopic(KafkaConfig kafka, String topic, Duration timeout) {
        try (Admin admin = admin(kafka, timeout)) {
            Set<String> topics = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!topics.contains(topic)) {
                throw new CdcException(CdcException.Kind.CONFIGURATION, "topic '" + topic + "' does not exist on Kafka at "
                        + kafka.bootstrapServers() + ": check --topic (capture creates its topics when it starts; "
                        + "trigger and logical topics are PREFIX.SCHEMA.TABLE)");
            }
        } catch (TimeoutException | ExecutionException e) {
            throw failure(kafka, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(kafka, timeout, e);
        }
    }

    /** Creates those of {@code topics} that do not exist yet, with the broker's default partitions and replicas. */
    public static void ensureTopics(KafkaConfig kafka, Collection<String> topics, Duration timeout) {
        try (Admin admin = admin(kafka, timeout)) {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Set<String> missing = new HashSet<>(topics);
            missing.removeAll(existing);
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
                }
            }
        } catch (TimeoutException | ExecutionException e) {
            throw failure(kafka, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(kafka, timeout, e);
        }
    }

    private static Admin admin(KafkaConfig kafka, Duration timeout) {
        int millis = (int) timeout.toMillis();
        try {
            return Admin.create(kafka.clientProperties(Map.of(
                    AdminClientConfig.CLIENT_ID_CONFIG, "pgcdc-admin",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis)));
        } catch (KafkaException e) {
            throw KafkaErrors.describe(e, kafka);
        }
    }

    private static CdcException failure(KafkaConfig kafka, Duration timeout, Exception e) {
        CdcException refused = KafkaErrors.accessRefused(e instanceof ExecutionException ? e.getCause() : e, kafka);
        return refused != null ? refused : unreachable(kafka, timeout, e);
    }

    private static CdcException unreachable(KafkaConfig kafka, Duration timeout, Exception e) {
        return new CdcException(CdcException.Kind.UNAVAILABLE,
                "cannot reach Kafka at " + kafka.bootstrapServers() + " within " + timeout.toSeconds()
                        + " s: check --kafka (PGCDC_KAFKA_BOOTSTRAP), that the broker is running, and --kafka-property "
                        + "security.protocol if its listener needs SASL or TLS", e);
    }
}
