package dev.pgcdc.config;

import dev.pgcdc.error.CdcException;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which changes and columns leave the process, as Debezium's filters name them: regular expressions matched
 * against the whole {@code schema.table} or {@code schema.table.column}.
 *
 * @param includeTables only tables matching one of these (empty: every captured table) (flag {@code --include-table})
 * @param excludeTables never tables matching one of these (flag {@code --exclude-table})
 * @param excludeColumns columns left out of {@code before} and {@code after} (flag {@code --exclude-column})
 * @param maskColumns   columns whose values become {@code ***} (flag {@code --mask-column})
 * @param hashColumns   columns whose values become a salted SHA-256, hex (flag {@code --hash-column})
 * @param hashSalt      the salt for {@code hashColumns}; a secret, never printed (flag {@code --hash-salt})
 */
public record ChangeRulesConfig(List<Pattern> includeTables, List<Pattern> excludeTables, List<Pattern> excludeColumns,
                                List<Pattern> maskColumns, List<Pattern> hashColumns, String hashSalt) {

    public static final ChangeRulesConfig NONE = new ChangeRulesConfig(List.of(), List.of(), List.of(), List.of(), List.of(), null);

    public ChangeRulesConfig {
        includeTables = List.copyOf(includeTables);
        excludeTables = List.copyOf(excludeTables);
        excludeColumns = List.copyOf(excludeColumns);
        maskColumns = List.copyOf(maskColumns);
        hashColumns = List.copyOf(hashColumns);
        if (!hashColumns.isEmpty() && (hashSalt == null || hashSalt.isEmpty())) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--hash-column needs --hash-salt (a secret of your own: "
                    + "the same salt gives the same hash for the same value)");
        }
    }

    /** Compiles the flags' expressions, saying which one is malformed. */
    public static ChangeRulesConfig of(List<String> includeTables, List<String> excludeTables, List<String> excludeColumns,
                                       List<String> maskColumns, List<String> hashColumns, String hashSalt) {
        return new ChangeRulesConfig(compile("--include-table", includeTables), compile("--exclude-table", excludeTables),
                compile("--exclude-column", excludeColumns), compile("--mask-column", maskColumns),
                compile("--hash-column", hashColumns), hashSalt);
    }

    public boolean isEmpty() {
        return includeTables.isEmpty() && excludeTables.isEmpty() && excludeColumns.isEmpty() && maskColumns.isEmpty()
                && hashColumns.isEmpty();
    }

    private static List<Pattern> compile(String flag, List<String> expressions) {
        return expressions.stream().map(expression -> {
            try {
                return Pattern.compile(expression);
            } catch (PatternSyntaxException e) {
                throw new CdcException(CdcException.Kind.CONFIGURATION, flag + " " + expression + " is not a regular expression ("
                        + e.getDescription() + "): write e.g. public\\\\.customers or public\\\\.customers\\\\.ssn");
            }
        }).toList();
    }
}
