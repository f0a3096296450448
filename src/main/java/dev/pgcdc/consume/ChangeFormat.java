package dev.pgcdc.consume;

import dev.pgcdc.config.ConsumeConfig;
import dev.pgcdc.event.Json;

/** How {@code consume} shows a change: one line per change, readable, in aligned columns, or JSON. */
public interface ChangeFormat {

    String format(ConsumedChange change);

    /** A line to print once before the first change, or null. */
    default String header() {
        return null;
    }

    static ChangeFormat of(ConsumeConfig.Format format) {
        return of(format, false);
    }

    /** @param color whether to color the output (a terminal, and neither {@code NO_COLOR} nor {@code --color never}) */
    static ChangeFormat of(ConsumeConfig.Format format, boolean color) {
        Palette palette = color ? Palette.ANSI : Palette.NONE;
        return switch (format) {
            case JSON -> new JsonLines();
            case TABLE -> new TableRows(palette);
            case PRETTY -> new PrettyLine(palette);
        };
    }

    /** The value exactly as published, one document per line, for piping into other tools. */
    final class JsonLines implements ChangeFormat {
        @Override
        public String format(ConsumedChange change) {
            if (change.value() == null) {
                return "null";
            }
            // Keeps one document per line even if a producer sent indented JSON; numbers stay exact.
            return change.value().indexOf('\n') < 0 ? change.value() : compact(change.value());
        }

        private static String compact(String value) {
            try {
                return Json.write(Json.parse(value));
            } catch (Json.InvalidJsonException e) {
                return value.replace("\n", "\\n");
            }
        }
    }
}
