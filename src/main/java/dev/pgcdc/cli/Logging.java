package dev.pgcdc.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/** Switches logging to detail for {@code --verbose}; the quiet defaults live in {@code log4j2.xml}. */
final class Logging {

    private Logging() {
    }

    static void verbose() {
        Configurator.setLevel("dev.pgcdc", Level.DEBUG);
        Configurator.setLevel("org.apache.kafka", Level.WARN);
        Configurator.setLevel("org.apache.kafka.clients.NetworkClient", Level.WARN);
        Configurator.setLevel("org.postgresql", Level.INFO);
    }
}
