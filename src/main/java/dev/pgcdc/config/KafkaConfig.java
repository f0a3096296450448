package dev.pgcdc.config;

import dev.pgcdc.error.CdcException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * How to reach Kafka.
 *
 * @param bootstrapServers comma-separated {@code HOST:PORT} list (flag {@code --kafka}, env
 *                         {@code PGCDC_KAFKA_BOOTSTRAP})
 * @param clientProperties Kafka client settings passed through untouched (flag {@code --kafka-property
 *                         KEY=VALUE}), e.g. {@code security.protocol}; they override pgcdc's defaults
 */
public record KafkaConfig(String bootstrapServers, Map<String, String> clientProperties) {

    private static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    private static final Pattern HOST_PORT = Pattern.compile("[^\\s:,]+:\\d{1,5}|\\[[0-9a-fA-F:]+]:\\d{1,5}");

    public KafkaConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new CdcException(CdcException.Kind.CONFIGURATION,
                    "no Kafka broker given: pass --kafka HOST:PORT or set PGCDC_KAFKA_BOOTSTRAP");
        }
        for (String server : bootstrapServers.split(",")) {
            if (!HOST_PORT.matcher(server.trim()).matches()) {
                throw new CdcException(CdcException.Kind.CONFIGURATION,
                        "--kafka '" + bootstrapServers + "' is not a HOST:PORT list: write it as localhost:9092[,host2:9092]");
            }
        }
        String passedThrough = clientProperties.get(BOOTSTRAP_SERVERS);
        if (passedThrough != null && !passedThrough.equals(bootstrapServers)) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--kafka-property " + BOOTSTRAP_SERVERS + "=" + passedThrough
                    + " conflicts with --kafka " + bootstrapServers + ": give the brokers once, with --kafka (or PGCDC_KAFKA_BOOTSTRAP)");
        }
        clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaConfig of(String bootstrapServers) {
        return new KafkaConfig(bootstrapServers, Map.of());
    }

    public List<String> servers() {
        return Arrays.stream(bootstrapServers.split(",")).map(String::trim).toList();
    }

    /** pgcdc's defaults for one client, then the user's pass-through settings on top. */
    public Properties clientProperties(Map<String, Object> defaults) {
        Properties properties = new Properties();
        properties.putAll(defaults);
        properties.put(BOOTSTRAP_SERVERS, bootstrapServers);
        properties.putAll(clientProperties);
        return properties;
    }
}
