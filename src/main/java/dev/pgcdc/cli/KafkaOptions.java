package dev.pgcdc.cli;

import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.error.CdcException;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --kafka}, Kafka client pass-through settings and the start-up timeout. */
final class KafkaOptions {

    @Option(names = "--kafka", paramLabel = "HOST:PORT", defaultValue = "${env:PGCDC_KAFKA_BOOTSTRAP}",
            description = "Kafka bootstrap servers, comma-separated (env PGCDC_KAFKA_BOOTSTRAP)")
    String bootstrapServers;

    // Split only before another KEY=, so values may hold commas; a config file's map arrives as one such list.
    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", split = ",(?=[A-Za-z][\\w.-]*=)",
            description = "Kafka client setting passed through as is, e.g. security.protocol=SSL (repeatable)")
    Map<String, String> clientProperties = new LinkedHashMap<>();

    @Option(names = "--kafka-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "How long to wait for Kafka to answer at start, more than 0 (default: ${DEFAULT-VALUE})")
    Duration timeout;

    KafkaConfig toConfig() {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--kafka-timeout must be positive, e.g. 10s");
        }
        return new KafkaConfig(bootstrapServers, clientProperties);
    }
}
