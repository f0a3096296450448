package dev.pgcdc.cli;

import dev.pgcdc.config.SettingsFile;
import dev.pgcdc.error.CdcException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings from a file and the environment, below the command line, as docs/configuration.md says. */
class ConfigFileTest {

    @TempDir
    Path folder;

    private static <T> T parsed(Map<String, String> file, Map<String, String> environment, Class<T> command, String... args) {
        CommandLine root = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        root.setDefaultValueProvider(new ConfigDefaults(file, environment::get));
        CommandLine.ParseResult result = root.parseArgs(args);
        return command.cast(result.subcommand().commandSpec().userObject());
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault() {
        Map<String, String> file = Map.of("mode", "logical", "topic-prefix", "from-file", "slot", "file_slot",
                "publication", "file_pub", "heartbeat-interval", "3s");
        Map<String, String> environment = Map.of("PGCDC_SLOT", "env_slot", "PGCDC_PUBLICATION", "env_pub");
        CaptureCommand capture = parsed(file, environment, CaptureCommand.class, "capture", "--publication", "cli_pub");
        assertThat(capture.mode).isEqualTo(CaptureMode.logical);
        assertThat(capture.topicPrefix).isEqualTo("from-file");
        assertThat(capture.slot).isEqualTo("env_slot");
        assertThat(capture.publication).isEqualTo("cli_pub");
        assertThat(capture.heartbeatInterval).isEqualTo(Duration.ofSeconds(3));
        assertThat(capture.batchSize).as("pgcdc's default").isEqualTo(500);
    }

    @Test
    void theVariablesNamedBeforeStillWork() {
        CaptureCommand capture = parsed(Map.of("db", "jdbc:postgresql://file/db"), Map.of("PGCDC_DB_URL", "jdbc:postgresql://env/db"),
                CaptureCommand.class, "capture", "--mode", "trigger");
        assertThat(capture.database.url).isEqualTo("jdbc:postgresql://env/db");
    }

    @Test
    void yamlListsAndMapsBecomeRepeatedOptions() throws Exception {
        Path yaml = Files.writeString(folder.resolve("pgcdc.yaml"), """
                db: jdbc:postgresql://localhost:5432/shop
                mode: logical
                table: [public.sales, shop.orders]
                kafka-property:
                  security.protocol: SASL_SSL
                  sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required username="a" password="b,c";'
                """);
        SettingsFile settings = SettingsFile.read(yaml);
        assertThat(ConfigDefaults.check(settings, ConfigDefaults.settings(new CommandLine(new Main())))).isEmpty();
        SetupCommand setup = parsed(settings.values(), Map.of(), SetupCommand.class, "setup");
        assertThat(setup.tables).containsExactly("public.sales", "shop.orders");
        CaptureCommand capture = parsed(settings.values(), Map.of(), CaptureCommand.class, "capture");
        assertThat(capture.kafka.clientProperties).containsExactly(Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"a\" password=\"b,c\";"));
    }

    @Test
    void anUnknownSettingIsRefusedWithTheClosestName() throws Exception {
        Path yaml = Files.writeString(folder.resolve("pgcdc.yaml"), "topic-prefx: app\n");
        SettingsFile settings = SettingsFile.read(yaml);
        assertThatThrownBy(() -> ConfigDefaults.check(settings, ConfigDefaults.settings(new CommandLine(new Main()))))
                .isInstanceOf(CdcException.class)
                .hasMessage("--config " + yaml + ": unknown setting 'topic-prefx' (did you mean 'topic-prefix'?); "
                        + "every setting is listed in docs/configuration.md");
    }

    @Test
    void theCliSaysWhatIsWrongWithTheFileInOneLine() throws Exception {
        Path broken = Files.writeString(folder.resolve("broken.yaml"), "db: [unclosed\n");
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "status", "--config", broken.toString());
        assertThat(code).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(err.toString()).hasLineCount(1).startsWith("pgcdc: --config " + broken + " cannot be read: ");
    }

    @Test
    void aDebeziumConnectorJsonIsMappedAndEveryUnsupportedKeyIsSaid() throws Exception {
        Path json = Files.writeString(folder.resolve("connector.json"), """
                {"name": "inventory-connector",
                 "config": {
                   "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
                   "database.hostname": "db.internal", "database.port": "5433", "database.user": "cdc",
                   "database.password": "s3cret", "database.dbname": "inventory", "database.sslmode": "verify-full",
                   "topic.prefix": "inv", "slot.name": "inv_slot", "publication.name": "inv_pub",
                   "table.include.list": "public.orders,public.customers", "plugin.name": "pgoutput",
                   "heartbeat.interval.ms": "5000", "tombstones.on.delete": "false", "provide.transaction.metadata": "true",
                   "tasks.max": "1", "transforms": "unwrap", "transforms.unwrap.type": "io.debezium.transforms.ExtractNewRecordState",
                   "column.exclude.list": "public.customers.notes",
                   "column.mask.hash.SHA-256.with.salt.pepper": "public.customers.ssn", "snapshot.fetch.size": "100"}}
                """);
        SettingsFile settings = SettingsFile.read(json);
        assertThat(settings.debezium()).isTrue();
        assertThat(settings.values()).containsEntry("db", "jdbc:postgresql://db.internal:5433/inventory?sslmode=verify-full")
                .containsEntry("user", "cdc").containsEntry("password", "s3cret").containsEntry("mode", "logical")
                .containsEntry("topic-prefix", "inv").containsEntry("slot", "inv_slot").containsEntry("publication", "inv_pub")
                .containsEntry("table", "public.orders,public.customers").containsEntry("heartbeat-interval", "5000ms")
                .containsEntry("no-tombstones", "true").containsEntry("transaction-topic", "true")
                .containsEntry("include-table", "public.orders,public.customers")
                .containsEntry("exclude-column", "public.customers.notes")
                .containsEntry("hash-column", "public.customers.ssn").containsEntry("hash-salt", "pepper");
        List<String> notices = ConfigDefaults.check(settings, ConfigDefaults.settings(new CommandLine(new Main())));
        assertThat(notices).containsExactlyInAnyOrder(
                "Kafka Connect setting tasks.max does not apply to pgcdc (it runs without Connect): ignored",
                "Kafka Connect setting transforms does not apply to pgcdc (it runs without Connect): ignored",
                "Kafka Connect setting transforms.unwrap.type does not apply to pgcdc (it runs without Connect): ignored",
                "Debezium setting snapshot.fetch.size is not supported by pgcdc: ignored");
        assertThat(String.join("\n", notices)).doesNotContain("s3cret");

        CaptureCommand capture = parsed(settings.values(), Map.of(), CaptureCommand.class, "capture");
        assertThat(capture.mode).isEqualTo(CaptureMode.logical);
        assertThat(capture.noTombstones).isTrue();
        assertThat(capture.heartbeatInterval).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aDebeziumPropertiesFileOfAnotherConnectorIsRefused() throws Exception {
        Path properties = Files.writeString(folder.resolve("mysql.properties"),
                "connector.class=io.debezium.connector.mysql.MySqlConnector\ndatabase.hostname=x\n");
        assertThatThrownBy(() -> SettingsFile.read(properties)).isInstanceOf(CdcException.class)
                .hasMessageContaining("is not Debezium's PostgreSQL connector");
    }
}
