package dev.pgcdc.config;

import dev.pgcdc.error.CdcException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigValidationTest {

    @Test
    void databaseConfigNeverPrintsThePassword() {
        DatabaseConfig config = new DatabaseConfig("jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true", "u", "pw-flag");
        assertThat(config.toString()).doesNotContain("s3cret", "pw-flag");
        assertThat(config.redactedUrl()).isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
        assertThat(config.connectionProperties("app").getProperty("password")).isEqualTo("pw-flag");
    }

    @Test
    void databaseUrlMustBeJdbc() {
        assertThatThrownBy(() -> new DatabaseConfig("postgres://u:pw@h/db", null, null))
                .isInstanceOf(CdcException.class)
                .hasMessageContaining("is not a PostgreSQL JDBC URL")
                .extracting(e -> ((CdcException) e).kind()).isEqualTo(CdcException.Kind.CONFIGURATION);
        assertThatThrownBy(() -> new DatabaseConfig(null, null, null)).hasMessageContaining("PGCDC_DB_URL");
    }

    @Test
    void kafkaBootstrapMustBeHostPortList() {
        assertThat(new KafkaConfig("a:9092, b:9093", Map.of()).servers()).containsExactly("a:9092", "b:9093");
        assertThat(KafkaConfig.of("[::1]:9092").servers()).containsExactly("[::1]:9092");
        assertThatThrownBy(() -> KafkaConfig.of("localhost")).hasMessageContaining("is not a HOST:PORT list");
        assertThatThrownBy(() -> KafkaConfig.of(" ")).hasMessageContaining("PGCDC_KAFKA_BOOTSTRAP");
    }

    @Test
    void passThroughSettingsOverrideDefaults() {
        KafkaConfig config = new KafkaConfig("k:9092", Map.of("linger.ms", "50"));
        assertThat(config.clientProperties(Map.of("linger.ms", 5, "acks", "all")))
                .containsEntry("linger.ms", "50").containsEntry("acks", "all").containsEntry("bootstrap.servers", "k:9092");
    }

    @Test
    void notifyDefaultsToTheTutorialChannelAndOneTopicPerChannel() {
        NotifyCaptureConfig config = new NotifyCaptureConfig(List.of(), null, null);
        assertThat(config.channels()).containsExactly("sales_channel");
        assertThat(config.keyField()).isEqualTo("id");
        assertThat(config.topics()).containsExactly("sales_channel", "sales_channel.dlq");
        NotifyCaptureConfig shared = new NotifyCaptureConfig(List.of("a", "b", "a"), "all", "k");
        assertThat(shared.channels()).containsExactly("a", "b");
        assertThat(shared.topics()).containsExactly("all", "all.dlq");
    }

    @Test
    void notifyRejectsNamesPostgresOrKafkaCannotTake() {
        assertThatThrownBy(() -> new NotifyCaptureConfig(List.of("x".repeat(64)), null, null))
                .hasMessageContaining("not a valid channel name");
        assertThatThrownBy(() -> new NotifyCaptureConfig(List.of("ok"), "bad topic", null))
                .hasMessageContaining("not a valid Kafka topic name");
        assertThatThrownBy(() -> new NotifyCaptureConfig(List.of("café"), null, null))
                .hasMessageContaining("pass --topic");
    }

    @Test
    void consumeValidatesLimits() {
        assertThatThrownBy(() -> new ConsumeConfig("t", false, null, null, -1, null)).hasMessageContaining("--max");
        assertThatThrownBy(() -> new ConsumeConfig("t", false, null, null, 0, null, java.util.Set.of(), java.util.Set.of("x")))
                .hasMessage("--op x is not an operation: use c (insert), u (update), d (delete), t (truncate) or r (snapshot read), comma-separated");
        assertThatThrownBy(() -> new ConsumeConfig("t", false, null, null, 0, Duration.ZERO)).hasMessageContaining("--timeout");
        assertThat(new ConsumeConfig("t", false, " ", null, 0, null))
                .extracting(ConsumeConfig::group, ConsumeConfig::format).containsExactly(null, ConsumeConfig.Format.PRETTY);
    }

    @Test
    void durationsReadCommonForms() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("is not a duration");
    }
}
