package dev.pgcdc.cli;

import dev.pgcdc.testing.CliRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code consume --web} is checked before anything connects. */
class ConsumeWebOptionTest {

    @Test
    void aPortOutOfRangeIsAOneLineError() {
        CliRun run = CliRun.of("consume", "--kafka", "localhost:1", "--topic", "t", "--web", "70000");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(run.err().strip()).isEqualTo("pgcdc: --web must be a port from 0 to 65535, got 70000");
    }
}
