package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.testing.CliRun;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets one line on stderr, no stack trace, no credential, and its own exit code. */
class CliErrorsIT {

    private final KafkaConfig kafka = TestServices.kafka();
    private final DatabaseConfig database = TestServices.newDatabase();

    @Test
    void unreachableDatabaseIsOneLineWithUnavailableExitCode() {
        CliRun run = capture("--db", "jdbc:postgresql://127.0.0.1:1/postgres?password=hunter2", "--kafka", kafka.bootstrapServers());
        assertOneLineError(run, ExitCodes.UNAVAILABLE, "cannot reach PostgreSQL at jdbc:postgresql://127.0.0.1:1/postgres?password=***");
        assertThat(run.err()).doesNotContain("hunter2");
    }

    @Test
    void wrongPasswordIsOneLineAndNeverShowsThePassword() {
        CliRun run = capture("--db", database.url(), "--user", TestServices.PASSWORD_ROLE, "--password", "not-the-password",
                "--kafka", kafka.bootstrapServers());
        assertOneLineError(run, ExitCodes.CONFIGURATION, "rejected the login of user '" + TestServices.PASSWORD_ROLE + "'");
        assertThat(run.err() + run.out()).doesNotContain("not-the-password");
    }

    @Test
    void rightPasswordIsAccepted() {
        TestServices.execute(database, "GRANT CREATE ON SCHEMA public TO " + TestServices.PASSWORD_ROLE);
        CliRun run = CliRun.of("setup", "--db", database.url(), "--user", TestServices.PASSWORD_ROLE,
                "--password", TestServices.PASSWORD_ROLE_PASSWORD, "--tutorial");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Tutorial schema ready").doesNotContain(TestServices.PASSWORD_ROLE_PASSWORD);
    }

    @Test
    void unreachableKafkaIsOneLineWithUnavailableExitCode() {
        CliRun run = capture("--db", database.url(), "--user", "postgres", "--kafka", "127.0.0.1:1", "--kafka-timeout", "2s");
        assertOneLineError(run, ExitCodes.UNAVAILABLE, "cannot reach Kafka at 127.0.0.1:1 within 2 s");
    }

    @Test
    void databaseErrorIsTheOneReportedWhenKafkaIsUnreachableToo() {
        // capture checks Kafka while it reads which tables it captures: the line must not depend on which answers first
        CliRun run = CliRun.of("capture", "--mode", "logical", "--db", database.url(), "--user", TestServices.PASSWORD_ROLE,
                "--password", "not-the-password", "--kafka", "127.0.0.1:1", "--kafka-timeout", "2s");
        assertOneLineError(run, ExitCodes.CONFIGURATION, "rejected the login of user '" + TestServices.PASSWORD_ROLE + "'");
    }

    @Test
    void unreachableKafkaLeavesNoReplicationSlotBehind() throws Exception {
        TestServices.execute(database, "CREATE TABLE public.parcels (id int PRIMARY KEY)");
        CliRun setup = CliRun.of("setup", "--db", database.url(), "--user", "postgres", "--mode", "logical", "--table", "public.parcels");
        assertThat(setup.exitCode()).as(setup.err()).isZero();
        CliRun run = CliRun.of("capture", "--mode", "logical", "--slot", "unreachable_kafka", "--db", database.url(), "--user", "postgres",
                "--kafka", "127.0.0.1:1", "--kafka-timeout", "2s");
        assertOneLineError(run, ExitCodes.UNAVAILABLE, "cannot reach Kafka at 127.0.0.1:1 within 2 s");
        assertThat(TestServices.query(database, "SELECT count(*)::text FROM pg_replication_slots WHERE slot_name = 'unreachable_kafka'"))
                .isEqualTo("0");
    }

    @Test
    void consumeFromUnreachableKafkaIsOneLine() {
        CliRun run = CliRun.of("consume", "--kafka", "127.0.0.1:1", "--kafka-timeout", "2s", "--topic", "sales_channel");
        assertOneLineError(run, ExitCodes.UNAVAILABLE, "cannot reach Kafka at 127.0.0.1:1");
    }

    @Test
    void notifyModeRefusesExactlyOnceWithTheReason() {
        CliRun run = CliRun.of("capture", "--mode", "notify", "--db", database.url(), "--kafka", kafka.bootstrapServers(), "--exactly-once");
        assertOneLineError(run, ExitCodes.CONFIGURATION, "--exactly-once does not apply to --mode notify: NOTIFY keeps no position");
    }

    @Test
    void aTransactionIntervalOfZeroIsRefused() {
        CliRun run = CliRun.of("capture", "--mode", "logical", "--db", database.url(), "--kafka", kafka.bootstrapServers(),
                "--exactly-once", "--transaction-interval", "0s");
        assertOneLineError(run, ExitCodes.CONFIGURATION, "--transaction-interval must be positive");
    }

    @Test
    void unknownChannelFlagIsAUsageError() {
        CliRun run = capture("--db", database.url(), "--kafka", kafka.bootstrapServers(), "--chanel", "sales_channel");
        assertOneLineError(run, ExitCodes.USAGE, "Unknown options: '--chanel'");
        assertThat(run.err()).contains("see 'pgcdc capture --help'");
    }

    @Test
    void invalidChannelNameIsAConfigurationError() {
        CliRun run = capture("--db", database.url(), "--kafka", kafka.bootstrapServers(), "--channel", "x".repeat(64));
        assertOneLineError(run, ExitCodes.CONFIGURATION, "is not a valid channel name");
    }

    @Test
    void urlThatIsNotJdbcIsAConfigurationError() {
        CliRun run = capture("--db", "postgres://me:secret@localhost/db", "--kafka", kafka.bootstrapServers());
        assertOneLineError(run, ExitCodes.CONFIGURATION, "is not a PostgreSQL JDBC URL");
    }

    @Test
    void missingDatabaseNamesTheFlagAndTheVariable() {
        CliRun run = CliRun.of("setup", "--tutorial");
        assertOneLineError(run, ExitCodes.CONFIGURATION, "pass --db");
        assertThat(run.err()).contains("PGCDC_DB_URL");
    }

    @Test
    void unknownModeListsTheValidOnes() {
        CliRun run = CliRun.of("capture", "--db", database.url(), "--kafka", kafka.bootstrapServers(), "--mode", "magic");
        assertOneLineError(run, ExitCodes.USAGE, "--mode");
        assertThat(run.err()).contains("notify");
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliRun run = capture("--db", "jdbc:postgresql://127.0.0.1:1/postgres", "--kafka", kafka.bootstrapServers(), "--verbose");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(run.err()).contains("\tat ").contains("pgcdc: cannot reach PostgreSQL");
    }

    private static CliRun capture(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "capture";
        all[1] = "--mode";
        all[2] = "notify";
        System.arraycopy(args, 0, all, 3, args.length);
        return CliRun.of(all);
    }

    private static void assertOneLineError(CliRun run, int exitCode, String message) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(exitCode);
        assertThat(run.err().lines().toList()).as(run.err()).singleElement().asString()
                .startsWith("pgcdc: ").contains(message).doesNotContain("Exception", "\tat ");
    }
}
