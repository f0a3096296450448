package dev.pgcdc.cli;

import java.util.Arrays;

/**
 * Switches logging to detail for {@code --verbose}; the quiet defaults live in {@code simplelogger.properties}.
 * SLF4J's simple backend fixes a logger's level when the logger is made, and loggers are made as picocli
 * loads the commands, so the flag is read from the arguments before any command is parsed.
 */
final class Logging {

    private static final String LEVEL = "org.slf4j.simpleLogger.log.";

    private Logging() {
    }

    static void configure(String... args) {
        if (Arrays.asList(args).contains("--verbose")) {
            System.setProperty(LEVEL + "dev.pgcdc", "debug");
            System.setProperty(LEVEL + "org.apache.kafka", "warn");
            System.setProperty(LEVEL + "org.apache.kafka.clients.NetworkClient", "warn");
        }
    }
}
