package dev.pgcdc.sink.kafka;

import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.error.CdcException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;

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
}
