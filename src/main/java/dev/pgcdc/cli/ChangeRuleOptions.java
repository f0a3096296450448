package dev.pgcdc.cli;

import dev.pgcdc.config.ChangeRulesConfig;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code capture}'s filters and masks: which tables and columns reach Kafka, and in what form. */
final class ChangeRuleOptions {

    @Option(names = "--include-table", paramLabel = "REGEX", split = ",",
            description = "Publish only tables whose SCHEMA.TABLE matches one of these regular expressions (repeatable)")
    List<String> includeTables = new ArrayList<>();

    @Option(names = "--exclude-table", paramLabel = "REGEX", split = ",",
            description = "Never publish tables whose SCHEMA.TABLE matches (repeatable); their changes still advance the position")
    List<String> excludeTables = new ArrayList<>();

    @Option(names = "--exclude-column", paramLabel = "REGEX", split = ",",
            description = "Leave columns whose SCHEMA.TABLE.COLUMN matches out of before and after (repeatable; key columns stay in the key)")
    List<String> excludeColumns = new ArrayList<>();

    @Option(names = "--mask-column", paramLabel = "REGEX", split = ",",
            description = "Publish *** instead of the value of matching SCHEMA.TABLE.COLUMN columns (repeatable)")
    List<String> maskColumns = new ArrayList<>();

    @Option(names = "--hash-column", paramLabel = "REGEX", split = ",",
            description = "Publish a salted SHA-256 (hex) instead of the value of matching SCHEMA.TABLE.COLUMN columns (repeatable)")
    List<String> hashColumns = new ArrayList<>();

    @Option(names = "--hash-salt", paramLabel = "SALT", description = "The secret salt of --hash-column (prefer env PGCDC_HASH_SALT)")
    String hashSalt;

    ChangeRulesConfig toConfig() {
        return ChangeRulesConfig.of(includeTables, excludeTables, excludeColumns, maskColumns, hashColumns, hashSalt);
    }
}
