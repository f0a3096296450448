package dev.pgcdc.cli;

import dev.pgcdc.testing.PgcdcProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The psql line the demo prints works when pasted into a shell, as the README tells users to do. */
class DemoPsqlIT {

    @Test
    void printedPsqlLineInsertsARowThatTheDemoShows() throws Exception {
        try (PgcdcProcess demo = PgcdcProcess.start("demo", "--mode", "notify")) {
            assertThat(demo.awaitLine("psql \"postgresql://", Duration.ofMinutes(2))).as(demo.output()).isTrue();
            String psqlLine = demo.output().lines().map(String::trim).filter(line -> line.startsWith("psql ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no psql line in:\n" + demo.output()));
            assertThat(psqlLine).startsWith("psql \"postgresql://postgres@localhost:");

            Process psql = new ProcessBuilder("bash", "-c", psqlLine).redirectErrorStream(true).start();
            assertThat(psql.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(psql.exitValue()).as(new String(psql.getInputStream().readAllBytes())).isZero();
            assertThat(demo.awaitLine("customer_name=Product A", Duration.ofSeconds(60))).as(demo.output()).isTrue();

            demo.terminate();
            assertThat(demo.awaitExit(Duration.ofSeconds(60))).as(demo.output()).isZero();
        }
    }
}
