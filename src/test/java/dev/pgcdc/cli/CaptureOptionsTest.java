package dev.pgcdc.cli;

import dev.pgcdc.testing.CliRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The downstream-compatibility options are checked before anything connects. */
class CaptureOptionsTest {

    private static CliRun capture(String... options) {
        String[] args = new String[options.length + 6];
        System.arraycopy(new String[] {"capture", "--db", "jdbc:postgresql://localhost:1/none", "--kafka", "localhost:1", "--mode"}, 0, args, 0, 6);
        System.arraycopy(options, 0, args, 6, options.length);
        return CliRun.of(args);
    }

    @Test
    void formatsAndSkippedOperationsDoNotApplyToNotify() {
        CliRun run = capture("notify", "--value-format", "json-with-schema", "--skipped-operations", "t");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(run.err()).contains("--skipped-operations, --value-format, --key-format do not apply to --mode notify");
    }

    @Test
    void unknownValueFormatAndSkippedOperationAreOneLineEach() {
        assertThat(capture("trigger", "--value-format", "avro").err().strip())
                .isEqualTo("pgcdc: --value-format must be json or json-with-schema, not 'avro'");
        assertThat(capture("logical", "--skipped-operations", "x").err().strip())
                .isEqualTo("pgcdc: --skipped-operations 'x' is not valid: give some of c,u,d,t separated by commas (e.g. t), or none");
    }
}
