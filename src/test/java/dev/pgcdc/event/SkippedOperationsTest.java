package dev.pgcdc.event;

import dev.pgcdc.error.CdcException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SkippedOperationsTest {

    @Test
    void readsDebeziumsCodesAndNone() {
        assertThat(SkippedOperations.parse("t").skips(RowChange.Op.TRUNCATE)).isTrue();
        assertThat(SkippedOperations.parse("t").skips(RowChange.Op.DELETE)).isFalse();
        assertThat(SkippedOperations.parse("u, d").toString()).isEqualTo("u,d");
        assertThat(SkippedOperations.parse("none")).isEqualTo(SkippedOperations.NONE);
        assertThat(SkippedOperations.parse(null).skips(RowChange.Op.TRUNCATE)).isFalse();
    }

    @Test
    void unknownCodeIsOneLineNamingTheFlag() {
        assertThatThrownBy(() -> SkippedOperations.parse("t,x")).isInstanceOf(CdcException.class)
                .hasMessage("--skipped-operations 't,x' is not valid: give some of c,u,d,t separated by commas (e.g. t), or none");
    }
}
