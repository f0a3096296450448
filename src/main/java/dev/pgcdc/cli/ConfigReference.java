package dev.pgcdc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * {@code docs/configuration.md}, written from the same option definitions the commands parse and validate,
 * so it cannot describe a setting that does not exist. {@code ConfigReferenceTest} fails when it is stale.
 */
final class ConfigReference {

    private ConfigReference() {
    }

    static String markdown() {
        CommandLine root = new CommandLine(new Main());
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        out.println("# pgcdc configuration reference");
        out.println();
        out.println("Generated from the commands' own option definitions (`ConfigReferenceTest` fails when this file is stale;");
        out.println("regenerate with `./mvnw -q test -Dtest=ConfigReferenceTest -Dpgcdc.writeReference=true`).");
        out.println();
        out.println("Every flag is also a setting of the same name without the dashes, in a `--config` file");
        out.println("(YAML `topic-prefix: app`, `.properties` `topic-prefix=app`, or JSON), and an environment variable");
        out.println("`PGCDC_` + the name in capitals with `_` for `-`. A value is taken from, first match wins:");
        out.println("1. the command line; 2. the environment; 3. the `--config` file (or `PGCDC_CONFIG`); 4. the default.");
        out.println("Lists take comma-separated values (or a YAML list); `kafka-property` takes `KEY=VALUE` pairs (or a YAML map).");
        out.println("A setting no command knows is an error; one another command knows is ignored, so one file can serve");
        out.println("`setup`, `capture` and `status`. A Debezium PostgreSQL connector config is read as it is (see the README).");
        for (Map.Entry<String, CommandLine> command : root.getSubcommands().entrySet()) {
            if (command.getKey().equals("help")) {
                continue;
            }
            out.println();
            out.println("## " + command.getKey());
            out.println();
            out.println("| Setting | Flag | Environment | Default | Description |");
            out.println("|---|---|---|---|---|");
            for (OptionSpec option : command.getValue().getCommandSpec().options()) {
                String key = ConfigDefaults.key(option);
                if (key.equals("help") || key.equals("version")) {
                    continue;
                }
                out.println("| `" + key + "` | `" + String.join("`, `", option.names()) + "` | "
                        + String.join(", ", ConfigDefaults.environmentVariables(option).stream().map(name -> "`" + name + "`").toList())
                        + " | " + defaultOf(option) + " | " + cell(description(option)) + " |");
            }
        }
        out.flush();
        return text.toString();
    }

    private static String defaultOf(OptionSpec option) {
        String raw = option.defaultValueString(false);
        boolean none = raw == null || raw.equals("null") || raw.equals("[]") || raw.equals("{}") || raw.startsWith("${env:");
        return none ? "" : "`" + raw + "`";
    }

    private static String description(OptionSpec option) {
        String candidates = option.completionCandidates() == null ? ""
                : StreamSupport.stream(option.completionCandidates().spliterator(), false).collect(Collectors.joining(", "));
        String raw = option.defaultValueString(false);
        return String.join(" ", option.description())
                .replace("${COMPLETION-CANDIDATES}", candidates)
                .replace("${DEFAULT-VALUE}", raw == null ? "" : raw);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
