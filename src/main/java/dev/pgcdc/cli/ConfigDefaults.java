package dev.pgcdc.cli;

import dev.pgcdc.config.SettingsFile;
import dev.pgcdc.error.CdcException;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an option not given on the command line takes its value from, first match wins: the environment
 * ({@code PGCDC_TOPIC_PREFIX} for {@code --topic-prefix}, or the variable an option names in its help), then
 * the {@code --config} file ({@code topic-prefix: app}), then pgcdc's default. Every option of every
 * command is a setting, by the same name, so the file and the reference cannot drift from the flags.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([A-Z0-9_]+)}");
    private static final Set<String> NOT_SETTINGS = Set.of("help", "version", "config");

    private final Map<String, String> file;
    private final Function<String, String> environment;

    ConfigDefaults(Map<String, String> file, Function<String, String> environment) {
        this.file = file;
        this.environment = environment;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || NOT_SETTINGS.contains(key(option))) {
            return null;
        }
        for (String variable : environmentVariables(option)) {
            String value = environment.apply(variable);
            if (value != null) {
                return value;
            }
        }
        return file.get(key(option));
    }

    /** The setting name of an option: its longest name without the dashes. */
    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    /** {@code PGCDC_KEY}, then any variable the option's own default names (kept for the names used before). */
    static List<String> environmentVariables(OptionSpec option) {
        List<String> variables = new ArrayList<>();
        variables.add("PGCDC_" + key(option).toUpperCase(Locale.ROOT).replace('-', '_'));
        variables.addAll(DeclaredVariables.BY_KEY.getOrDefault(key(option), List.of()));
        return variables;
    }

    /**
     * The variables options name in their declared defaults ({@code ${env:PGCDC_DB_URL}}), read once from a
     * command line without this provider: asking an option for its default from inside the provider recurses.
     */
    private static final class DeclaredVariables {
        static final Map<String, List<String>> BY_KEY = scan();

        private static Map<String, List<String>> scan() {
            Map<String, List<String>> byKey = new java.util.HashMap<>();
            scan(new CommandLine(new Main()), byKey);
            return byKey;
        }

        private static void scan(CommandLine command, Map<String, List<String>> byKey) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                String declared = option.defaultValueString(false);
                if (declared == null) {
                    continue;
                }
                Matcher reference = ENV_REFERENCE.matcher(declared);
                while (reference.find()) {
                    List<String> names = byKey.computeIfAbsent(key(option), ignored -> new ArrayList<>());
                    if (!names.contains(reference.group(1))) {
                        names.add(reference.group(1));
                    }
                }
            }
            command.getSubcommands().values().forEach(sub -> scan(sub, byKey));
        }
    }

    /** Every setting name any command takes. */
    static Set<String> settings(CommandLine root) {
        Set<String> names = new TreeSet<>();
        collect(root, names);
        return names;
    }

    private static void collect(CommandLine command, Set<String> names) {
        for (OptionSpec option : command.getCommandSpec().options()) {
            if (!NOT_SETTINGS.contains(key(option))) {
                names.add(key(option));
            }
        }
        command.getSubcommands().values().forEach(sub -> collect(sub, names));
    }

    /**
     * Refuses a pgcdc file with a setting no command takes, naming the closest one; settings translated from a
     * Debezium config that this pgcdc lacks are said as notices instead, as the other unsupported keys are.
     *
     * @return the notices to print, one line each
     */
    static List<String> check(SettingsFile settings, Set<String> known) {
        List<String> notices = new ArrayList<>(settings.notices());
        for (String key : settings.values().keySet()) {
            if (known.contains(key)) {
                continue;
            }
            if (settings.debezium()) {
                notices.add("setting '" + key + "' (from the Debezium config) is not supported by this pgcdc: ignored");
                continue;
            }
            String closest = known.stream().min(Comparator.comparingInt(name -> distance(name, key))).orElse(null);
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--config " + settings.path() + ": unknown setting '" + key + "'"
                    + (closest != null && distance(closest, key) <= Math.max(2, key.length() / 3) ? " (did you mean '" + closest + "'?)" : "")
                    + "; every setting is listed in docs/configuration.md");
        }
        return notices;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
