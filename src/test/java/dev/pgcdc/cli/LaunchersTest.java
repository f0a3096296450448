package dev.pgcdc.cli;

import dev.pgcdc.testing.PgcdcProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory settings are measured with the launchers ({@code bench/run} starts {@code ./pgcdc}) but proven on large
 * transactions through {@link PgcdcProcess#startLikeTheLauncher}: the three must not drift apart.
 */
class LaunchersTest {

    @ParameterizedTest
    @ValueSource(strings = {"pgcdc", "src/dist/bin/pgcdc"})
    void launcherStartsTheJvmAsTheTestHelperDoes(String launcher) throws IOException {
        String script = Files.readString(Path.of(launcher));
        String exec = script.lines().filter(line -> line.startsWith("exec ")).findFirst().orElseThrow();

        for (String option : PgcdcProcess.LAUNCHER_JVM_OPTIONS) {
            if (option.startsWith("-Xmx")) {
                assertThat(script).contains("${PGCDC_HEAP:-" + option.substring("-Xmx".length()) + "}");
            } else {
                assertThat(exec).contains(" " + option + " ");
            }
        }
        for (Map.Entry<String, String> variable : PgcdcProcess.LAUNCHER_ENVIRONMENT.entrySet()) {
            assertThat(script).contains("export " + variable.getKey() + "=\"${" + variable.getKey() + ":-" + variable.getValue() + "}\"");
        }
    }
}
