package dev.pgcdc.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigReferenceTest {

    private static final Path REFERENCE = Path.of("docs", "configuration.md");

    @Test
    void theCommittedReferenceMatchesTheOptionsTheCommandsTake() throws Exception {
        String generated = ConfigReference.markdown();
        if (Boolean.getBoolean("pgcdc.writeReference")) {
            Files.createDirectories(REFERENCE.getParent());
            Files.writeString(REFERENCE, generated);
        }
        assertThat(Files.exists(REFERENCE)).as(REFERENCE + " is missing: run with -Dpgcdc.writeReference=true").isTrue();
        assertThat(Files.readString(REFERENCE)).as(REFERENCE + " is stale: regenerate it with "
                + "./mvnw -q test -Dtest=ConfigReferenceTest -Dpgcdc.writeReference=true").isEqualTo(generated);
    }
}
