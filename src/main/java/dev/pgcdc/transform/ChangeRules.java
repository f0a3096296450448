package dev.pgcdc.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.config.ChangeRulesConfig;
import dev.pgcdc.event.Json;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Applies a {@link ChangeRulesConfig} to one table's row images and keys: what a column becomes, decided once
 * per {@code schema.table.column} and remembered. Key columns are masked or hashed like the others (a hashed
 * key stays unique per value), but never excluded: the key identifies the row.
 */
final class ChangeRules {

    enum ColumnRule { KEEP, EXCLUDE, MASK, HASH }

    static final String MASK = "***";

    private final ChangeRulesConfig config;
    private final Map<String, Boolean> tables = new ConcurrentHashMap<>();
    private final Map<String, ColumnRule> columns = new ConcurrentHashMap<>();

    ChangeRules(ChangeRulesConfig config) {
        this.config = config;
    }

    /** Whether changes of {@code schema.table} leave the process at all. */
    boolean captures(String table) {
        return tables.computeIfAbsent(table, name -> (config.includeTables().isEmpty() || matches(config.includeTables(), name))
                && !matches(config.excludeTables(), name));
    }

    /** Whether any column rule could apply to this table's columns (so the value needs rewriting). */
    boolean touchesColumns() {
        return !config.excludeColumns().isEmpty() || !config.maskColumns().isEmpty() || !config.hashColumns().isEmpty();
    }

    ColumnRule rule(String table, String column) {
        return columns.computeIfAbsent(table + "." + column, name -> matches(config.excludeColumns(), name) ? ColumnRule.EXCLUDE
                : matches(config.hashColumns(), name) ? ColumnRule.HASH
                : matches(config.maskColumns(), name) ? ColumnRule.MASK : ColumnRule.KEEP);
    }

    /** Rewrites a row image in place; {@code keepExcluded} for keys, whose columns are never dropped. */
    void apply(String table, JsonNode row, boolean keepExcluded) {
        if (!(row instanceof ObjectNode object)) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            switch (rule(table, field.getKey())) {
                case EXCLUDE -> {
                    if (!keepExcluded) {
                        fields.remove();
                    }
                }
                case MASK -> {
                    if (!field.getValue().isNull()) {
                        field.setValue(object.textNode(MASK));
                    }
                }
                case HASH -> {
                    if (!field.getValue().isNull()) {
                        field.setValue(object.textNode(hash(field.getValue())));
                    }
                }
                case KEEP -> {
                }
            }
        }
    }

    /** A salted SHA-256 of the value's text (a JSON string's content, or the JSON of anything else), as hex. */
    private String hash(JsonNode value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(config.hashSalt().getBytes(StandardCharsets.UTF_8));
            digest.update((value.isTextual() ? value.textValue() : Json.write(value)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static boolean matches(List<Pattern> patterns, String name) {
        for (Pattern pattern : patterns) {
            if (pattern.matcher(name).matches()) {
                return true;
            }
        }
        return false;
    }
}
