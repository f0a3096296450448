package dev.pgcdc.config;

import dev.pgcdc.error.CdcException;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What the {@code notify} capture mode listens to and where it publishes.
 *
 * @param channels the LISTEN channels (flag {@code --channel}, repeatable; default {@code sales_channel})
 * @param topic    the Kafka topic for every channel, or null to publish each channel to a topic of its own
 *                 name (flag {@code --topic})
 * @param keyField the payload field whose value becomes the record key {@code {"<field>":value}}
 *                 (flag {@code --key-field}, default {@code id})
 */
public record NotifyCaptureConfig(List<String> channels, String topic, String keyField) {

    public static final String DEFAULT_CHANNEL = "sales_channel";
    public static final String DEFAULT_KEY_FIELD = "id";
    /** PostgreSQL truncates identifiers, channel names included, to NAMEDATALEN - 1 bytes. */
    private static final int MAX_IDENTIFIER_BYTES = 63;

    public NotifyCaptureConfig {
        channels = channels == null || channels.isEmpty() ? List.of(DEFAULT_CHANNEL) : List.copyOf(new LinkedHashSet<>(channels));
        for (String channel : channels) {
            if (channel.isBlank() || channel.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
                throw new CdcException(CdcException.Kind.CONFIGURATION,
                        "--channel '" + channel + "' is not a valid channel name: use 1 to 63 bytes, e.g. sales_channel");
            }
        }
        if (topic != null && !KafkaTopicNames.isValid(topic)) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, KafkaTopicNames.problem("--topic", topic));
        }
        if (topic == null) {
            for (String channel : channels) {
                if (!KafkaTopicNames.isValid(channel)) {
                    throw new CdcException(CdcException.Kind.CONFIGURATION,
                            "channel '" + channel + "' cannot name a Kafka topic: pass --topic NAME");
                }
            }
        }
        if (keyField == null || keyField.isBlank()) {
            keyField = DEFAULT_KEY_FIELD;
        }
    }

    /** The topic a notification on this channel is published to. */
    public String topicFor(String channel) {
        return topic != null ? topic : channel;
    }

    /** Where payloads that are not JSON go, beside their topic. */
    public static String deadLetterTopic(String topic) {
        return topic + ".dlq";
    }

    /** Every topic this capture may write to, dead-letter topics included. */
    public List<String> topics() {
        LinkedHashSet<String> topics = new LinkedHashSet<>();
        for (String channel : channels) {
            topics.add(topicFor(channel));
            topics.add(deadLetterTopic(topicFor(channel)));
        }
        return List.copyOf(topics);
    }
}
