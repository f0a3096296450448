package dev.pgcdc.config;

import dev.pgcdc.error.CdcException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the sizes users type, with PostgreSQL's units: {@code 512kB}, {@code 100MB}, {@code 1GB}, {@code 2TB}, or plain bytes. */
public final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb|tb)?");

    private ByteSizes() {
    }

    public static long parse(String text) {
        Matcher matcher = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new CdcException(CdcException.Kind.CONFIGURATION,
                    "'" + text + "' is not a size: write it as 512kB, 100MB, 1GB or 2TB");
        }
        long amount = Long.parseLong(matcher.group(1));
        int shift = switch (matcher.group(2) == null ? "b" : matcher.group(2)) {
            case "kb" -> 10;
            case "mb" -> 20;
            case "gb" -> 30;
            case "tb" -> 40;
            default -> 0;
        };
        if (Long.numberOfLeadingZeros(amount) <= shift) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "'" + text + "' is too large a size");
        }
        return amount << shift;
    }
}
