package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.embedded.EmbeddedKafkaBroker;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.OtherPostgresMajors;
import dev.pgcdc.testing.PgcdcProcess;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS to PostgreSQL with the server's certificate verified ({@code sslmode=verify-full}) and SASL/SCRAM to
 * Kafka, as users configure them: settings pass through the JDBC URL and {@code --kafka-property}, and no
 * password shows in any output.
 */
class SecureConnectionsIT {

    private static final String KAFKA_PASSWORD = "kafka-pa55word";

    @TempDir
    Path folder;

    @Test
    void capturesOverVerifiedTlsToPostgresAndScramToKafka() throws Exception {
        Path serverCert = folder.resolve("server.crt");
        Path serverKey = folder.resolve("server.key");
        certificate("localhost", serverCert, serverKey);
        Path strangerCert = folder.resolve("stranger.crt");
        certificate("localhost", strangerCert, folder.resolve("stranger.key"));

        try (EmbeddedPostgres postgres = OtherPostgresMajors.builder().setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", serverCert.toString()).setServerConfig("ssl_key_file", serverKey.toString()).start();
             EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startWithScram("pgcdc", KAFKA_PASSWORD)) {
            String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?sslmode=verify-full&sslrootcert=" + serverCert;
            DatabaseConfig database = new DatabaseConfig(url, "postgres", null);
            TestServices.execute(database, "CREATE TABLE t (id int PRIMARY KEY)");

            CliRun refused = CliRun.of("setup", "--db", url.replace(serverCert.toString(), strangerCert.toString()),
                    "--user", "postgres", "--mode", "trigger", "--table", "public.t");
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
            assertThat(refused.err()).hasLineCount(1).contains("the TLS connection to PostgreSQL at", "sslrootcert");

            CliRun setup = CliRun.of("setup", "--db", url, "--user", "postgres", "--mode", "trigger", "--table", "public.t");
            assertThat(setup.exitCode()).as(setup.err()).isZero();

            List<String> sasl = List.of("--kafka-property", "security.protocol=SASL_PLAINTEXT", "--kafka-property", "sasl.mechanism=SCRAM-SHA-256",
                    "--kafka-property", "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                            + "username=\"pgcdc\" password=\"" + KAFKA_PASSWORD + "\";");
            // Streaming only: the journal holds every change since setup; a snapshot would read new rows again.
            List<String> arguments = new java.util.ArrayList<>(List.of("capture", "--mode", "trigger", "--db", url, "--user", "postgres",
                    "--snapshot", "no_data", "--kafka", kafka.bootstrapServers(), "--topic-prefix", "secure"));
            arguments.addAll(sasl);
            try (PgcdcProcess capture = PgcdcProcess.start(arguments.toArray(String[]::new))) {
                assertThat(capture.awaitLine("Capturing journal", Duration.ofSeconds(60))).as(capture.output()).isTrue();
                TestServices.execute(database, "INSERT INTO t VALUES (1)");
                KafkaConfig reader = new KafkaConfig(kafka.bootstrapServers(), Map.of("security.protocol", "SASL_PLAINTEXT",
                        "sasl.mechanism", "SCRAM-SHA-256", "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule "
                                + "required username=\"pgcdc\" password=\"" + KAFKA_PASSWORD + "\";"));
                assertThat(Topics.read(reader, "secure.public.t", 1, Duration.ofSeconds(30))).extracting(ConsumedChange::key)
                        .containsExactly("{\"id\":1}");
                assertThat(TestServices.query(database, "SELECT bool_and(s.ssl)::text FROM pg_stat_ssl s JOIN pg_stat_activity a "
                        + "ON a.pid = s.pid WHERE a.application_name = 'pgcdc-trigger'")).as("capture's connections use TLS").isEqualTo("true");
                capture.terminate();
                assertThat(capture.awaitExit(Duration.ofSeconds(60))).isZero();
                assertThat(capture.output()).doesNotContain(KAFKA_PASSWORD);
            }

            List<String> wrongPassword = new java.util.ArrayList<>(List.of("capture", "--mode", "trigger", "--db", url, "--user", "postgres",
                    "--kafka", kafka.bootstrapServers(), "--topic-prefix", "secure"));
            wrongPassword.addAll(sasl.stream().map(argument -> argument.replace(KAFKA_PASSWORD, "wrong-" + KAFKA_PASSWORD)).toList());
            CliRun denied = CliRun.of(wrongPassword.toArray(String[]::new));
            assertThat(denied.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
            assertThat(denied.err()).hasLineCount(1).contains("refused pgcdc's authentication").doesNotContain(KAFKA_PASSWORD);
        }
    }

    /** A self-signed certificate for {@code host} (also its own CA) and its key, in PEM, made with the JDK's keytool. */
    private void certificate(String host, Path certificate, Path key) throws Exception {
        Path store = folder.resolve(certificate.getFileName() + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + host, "-ext", "SAN=dns:" + host + ",ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", store.toString(), "-storepass", "changeit",
                "-file", certificate.toString());
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        PrivateKey privateKey = (PrivateKey) keyStore.getKey("server", "changeit".toCharArray());
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(privateKey.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
    }
}
