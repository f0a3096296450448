package dev.pgcdc.consume;

/**
 * Terminal colors for {@code consume}: the operation by kind, changed values in bold. {@link #NONE} when
 * output is piped, {@code NO_COLOR} is set or {@code --color never}.
 */
record Palette(boolean enabled) {

    static final Palette NONE = new Palette(false);
    static final Palette ANSI = new Palette(true);

    private static final String RESET = "\u001b[0m";

    String operation(String opCode, String text) {
        if (!enabled || opCode == null) {
            return text;
        }
        String color = switch (opCode) {
            case "c" -> "\u001b[32m";
            case "u" -> "\u001b[33m";
            case "d" -> "\u001b[31m";
            case "t" -> "\u001b[35m";
            default -> "\u001b[36m";
        };
        return color + text + RESET;
    }

    String changed(String text) {
        return enabled ? "\u001b[1m" + text + RESET : text;
    }

    String dim(String text) {
        return enabled ? "\u001b[2m" + text + RESET : text;
    }
}
