package dev.pgcdc.config;

import java.util.regex.Pattern;

/** Kafka's own rule for topic names: 1 to 249 characters from {@code [a-zA-Z0-9._-]}, not "." or "..". */
final class KafkaTopicNames {

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private KafkaTopicNames() {
    }

    static boolean isValid(String topic) {
        return LEGAL.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..");
    }

    static String problem(String setting, String topic) {
        return setting + " '" + topic + "' is not a valid Kafka topic name: use 1 to 249 of a-z A-Z 0-9 . _ -";
    }
}
