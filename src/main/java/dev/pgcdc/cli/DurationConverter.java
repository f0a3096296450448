package dev.pgcdc.cli;

import dev.pgcdc.config.Durations;
import dev.pgcdc.error.CdcException;
import picocli.CommandLine;

import java.time.Duration;

/** Reads {@code 500ms}, {@code 10s}, {@code 2m} or ISO-8601 durations from the command line. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (CdcException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
