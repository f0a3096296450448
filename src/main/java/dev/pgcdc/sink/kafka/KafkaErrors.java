package dev.pgcdc.sink.kafka;

import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.error.CdcException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/** Kafka client failures as one-line, user-facing messages. */
final class KafkaErrors {

    private KafkaErrors() {
    }

    static CdcException describe(KafkaException e, KafkaConfig kafka) {
        if (e instanceof ConfigException || e.getCause() instanceof ConfigException) {
            ConfigException cause = e instanceof ConfigException c ? c : (ConfigException) e.getCause();
            return new CdcException(CdcException.Kind.CONFIGURATION,
                    "Kafka client setting rejected for " + kafka.bootstrapServers() + ": " + cause.getMessage(), e);
        }
        return new CdcException(CdcException.Kind.UNAVAILABLE,
                "Kafka client failed for " + kafka.bootstrapServers() + ": " + e.getMessage(), e);
    }

    /**
     * The broker refused who the client is (SASL or TLS authentication) or what it may do (ACLs), as one
     * line that names the settings to check; null when {@code failure} is something else.
     */
    static CdcException accessRefused(Throwable failure, KafkaConfig kafka) {
        if (failure instanceof AuthenticationException) {
            return new CdcException(CdcException.Kind.CONFIGURATION, "Kafka at " + kafka.bootstrapServers()
                    + " refused pgcdc's authentication (" + failure.getMessage() + "): check --kafka-property "
                    + "security.protocol, sasl.mechanism and sasl.jaas.config against the broker's listener", failure);
        }
        if (failure instanceof AuthorizationException) {
            return new CdcException(CdcException.Kind.CONFIGURATION, "Kafka at " + kafka.bootstrapServers()
                    + " denied pgcdc access (" + failure.getMessage() + "): grant this client's principal the ACLs it needs", failure);
        }
        return null;
    }
}
