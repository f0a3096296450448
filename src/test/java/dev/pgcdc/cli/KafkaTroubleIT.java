package dev.pgcdc.cli;

import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.TestServices;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Kafka settings and answers a user gets wrong are said for what they are, in one line. */
class KafkaTroubleIT {

    private final KafkaConfig kafka = TestServices.kafka();

    @Test
    void zeroKafkaTimeoutIsRejectedInsteadOfCallingARunningBrokerUnreachable() {
        CliRun run = CliRun.of("consume", "--kafka", kafka.bootstrapServers(), "--kafka-timeout", "0s", "--topic", "any");
        assertOneLine(run, ExitCodes.CONFIGURATION, "--kafka-timeout must be positive, e.g. 10s");
    }

    @Test
    void bootstrapServersPropertyConflictingWithKafkaIsRefused() {
        CliRun run = CliRun.of("consume", "--kafka", kafka.bootstrapServers(), "--kafka-property", "bootstrap.servers=127.0.0.1:1",
                "--topic", "any");
        assertOneLine(run, ExitCodes.CONFIGURATION, "--kafka-property bootstrap.servers=127.0.0.1:1 conflicts with --kafka "
                + kafka.bootstrapServers());
    }

    @Test
    void saslMismatchIsReportedAsAuthenticationNotAsAnOutage() {
        CliRun run = CliRun.of("consume", "--kafka", kafka.bootstrapServers(), "--kafka-timeout", "5s", "--topic", "any",
                "--kafka-property", "security.protocol=SASL_PLAINTEXT", "--kafka-property", "sasl.mechanism=PLAIN",
                "--kafka-property", "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"app\" password=\"secret-word\";");
        assertOneLine(run, ExitCodes.CONFIGURATION, "Kafka at " + kafka.bootstrapServers() + " refused pgcdc's authentication");
        assertThat(run.err()).contains("security.protocol, sasl.mechanism and sasl.jaas.config").doesNotContain("secret-word")
                .doesNotContain("broker is running");
    }

    @Test
    void consumeOfAMissingTopicSaysSoAndDoesNotCreateIt() throws Exception {
        String topic = TestServices.uniqueName("missing");
        CliRun run = CliRun.of("consume", "--kafka", kafka.bootstrapServers(), "--topic", topic, "--timeout", "3s");
        assertOneLine(run, ExitCodes.CONFIGURATION, "topic '" + topic + "' does not exist on Kafka at " + kafka.bootstrapServers());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).doesNotContain(topic);
        }
    }

    private static void assertOneLine(CliRun run, int exitCode, String message) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(exitCode);
        assertThat(run.err()).hasLineCount(1).startsWith("pgcdc: ").contains(message);
    }
}
