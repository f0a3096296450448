package dev.pgcdc.cli;

import dev.pgcdc.testing.CliRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command answers -h and --help with its usage, whatever else is on the line, and exits 0. */
class CliHelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"setup", "teardown", "capture", "consume", "status", "demo"})
    void everyCommandAnswersHelpAndH(String command) {
        for (String flag : new String[] {"--help", "-h"}) {
            CliRun run = CliRun.of(command, flag);
            assertThat(run.exitCode()).as(command + " " + flag + ": " + run.err()).isZero();
            assertThat(run.err()).isEmpty();
            assertThat(run.out()).startsWith("Usage: pgcdc " + command).contains("-h, --help");
        }
        CliRun help = CliRun.of("help", command);
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: pgcdc " + command);
    }

    @Test
    void captureHelpNeedsNoModeAndShowsEachModesOptions() {
        CliRun run = CliRun.of("capture", "--help");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("--mode=<mode>", "--channel", "--poll-interval", "--slot", "--heartbeat-interval")
                .contains("notify   --channel, --topic, --key-field")
                .contains("trigger  --topic-prefix, --no-tombstones, --poll-interval, --batch-size")
                .contains("logical  --slot, --publication");
    }

    @Test
    void helpAnywhereOnTheLineWinsOverMissingOrOtherOptions() {
        CliRun afterOptions = CliRun.of("capture", "--mode", "logical", "--slot", "x", "--help");
        assertThat(afterOptions.exitCode()).isZero();
        assertThat(afterOptions.out()).startsWith("Usage: pgcdc capture");
        CliRun beforeOptions = CliRun.of("teardown", "-h", "--mode", "logical");
        assertThat(beforeOptions.exitCode()).isZero();
        assertThat(beforeOptions.out()).startsWith("Usage: pgcdc teardown");
        assertThat(CliRun.of("--help").out()).contains("capture", "setup", "help");
    }

    @Test
    void errorsPointAtAHelpThatWorks() {
        CliRun run = CliRun.of("status", "--bogus");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("see 'pgcdc status --help'");
        assertThat(CliRun.of("status", "--help").exitCode()).isZero();
    }
}
