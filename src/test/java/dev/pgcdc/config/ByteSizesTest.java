package dev.pgcdc.config;

import dev.pgcdc.error.CdcException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteSizesTest {

    @ParameterizedTest
    @CsvSource({"0, 0", "1234, 1234", "512kB, 524288", "100MB, 104857600", "1GB, 1073741824", "1gb, 1073741824",
            "'2 TB', 2199023255552", "7b, 7"})
    void readsPostgresStyleUnits(String text, long bytes) {
        assertThat(ByteSizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "GB", "1.5GB", "-1GB", "1PB", "99999999999TB"})
    void refusesWhatIsNotASizeWithTheFormsItTakes(String text) {
        assertThatThrownBy(() -> ByteSizes.parse(text)).isInstanceOf(CdcException.class).hasMessageContaining("'" + text + "'");
    }
}
