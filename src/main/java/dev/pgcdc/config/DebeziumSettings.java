package dev.pgcdc.config;

import dev.pgcdc.error.CdcException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Debezium PostgreSQL connector config translated into pgcdc settings, so a Debezium user can switch with
 * the file they have. Every key is either applied or named in one notice line saying why not.
 *
 * @param values  pgcdc setting name to value
 * @param notices one line per Debezium key not applied
 */
public record DebeziumSettings(Map<String, String> values, List<String> notices) {

    static final String CONNECTOR_CLASS = "connector.class";
    private static final String POSTGRES_CONNECTOR = "io.debezium.connector.postgresql.PostgresConnector";
    /** Kafka Connect's own settings: they configure the Connect worker or task, not what is captured. */
    private static final Set<String> CONNECT_KEYS = Set.of("name", "tasks.max", "key.converter", "value.converter",
            "key.converter.schemas.enable", "value.converter.schemas.enable", "errors.tolerance", "errors.log.enable",
            "transforms", "predicates");
    /** Debezium names the salt in the key: {@code column.mask.hash.SHA-256.with.salt.SALT = columns}. */
    private static final String HASH_PREFIX = "column.mask.hash.SHA-256.with.salt.";
    private static final Map<String, String> RENAMED = Map.of(
            "database.user", "user",
            "database.password", "password",
            "topic.prefix", "topic-prefix",
            "database.server.name", "topic-prefix",
            "slot.name", "slot",
            "publication.name", "publication",
            "snapshot.mode", "snapshot");

    static DebeziumSettings translate(Map<String, String> debezium) {
        String connector = debezium.get(CONNECTOR_CLASS);
        if (!POSTGRES_CONNECTOR.equals(connector)) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "connector.class " + connector
                    + " is not Debezium's PostgreSQL connector (" + POSTGRES_CONNECTOR + "): pgcdc reads only its config");
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> notices = new ArrayList<>();
        values.put("mode", "logical");
        String host = debezium.getOrDefault("database.hostname", "localhost");
        String port = debezium.getOrDefault("database.port", "5432");
        String database = debezium.get("database.dbname");
        if (database != null) {
            StringBuilder url = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port).append('/').append(database);
            String sslMode = debezium.get("database.sslmode");
            String rootCert = debezium.get("database.sslrootcert");
            if (sslMode != null || rootCert != null) {
                url.append('?');
                url.append(sslMode != null ? "sslmode=" + sslMode : "");
                url.append(sslMode != null && rootCert != null ? "&" : "");
                url.append(rootCert != null ? "sslrootcert=" + rootCert : "");
            }
            values.put("db", url.toString());
        }
        for (Map.Entry<String, String> entry : debezium.entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue();
            if (RENAMED.containsKey(key)) {
                values.put(RENAMED.get(key), value);
            } else if (key.equals("table.include.list")) {
                values.put("include-table", value.replaceAll("\\s", ""));
                if (value.matches("[\\w.,\\s]+")) {
                    values.put("table", value.replaceAll("\\s", ""));
                } else {
                    notices.add("Debezium setting table.include.list=" + value + " holds regular expressions: capture "
                            + "publishes only matching tables, but setup needs their names (setup --table SCHEMA.TABLE)");
                }
            } else if (key.equals("table.exclude.list")) {
                values.put("exclude-table", value.replaceAll("\\s", ""));
            } else if (key.equals("column.exclude.list")) {
                values.put("exclude-column", value.replaceAll("\\s", ""));
            } else if (key.startsWith(HASH_PREFIX)) {
                values.put("hash-column", value.replaceAll("\\s", ""));
                values.put("hash-salt", key.substring(HASH_PREFIX.length()));
            } else if (key.matches("column\\.mask\\.with\\.\\d+\\.chars")) {
                values.put("mask-column", value.replaceAll("\\s", ""));
                notices.add("Debezium setting " + key + ": pgcdc masks those columns as *** whatever their length");
            } else if (key.equals("heartbeat.interval.ms")) {
                if (!value.equals("0")) {
                    values.put("heartbeat-interval", value + "ms");
                }
            } else if (key.equals("tombstones.on.delete")) {
                values.put("no-tombstones", Boolean.toString(!Boolean.parseBoolean(value)));
            } else if (key.equals("provide.transaction.metadata")) {
                values.put("transaction-topic", Boolean.toString(Boolean.parseBoolean(value)));
            } else if (key.equals("plugin.name")) {
                if (!value.equals("pgoutput")) {
                    notices.add("Debezium setting plugin.name=" + value + " is not supported: pgcdc decodes pgoutput, "
                            + "PostgreSQL's built-in plugin, and needs no other");
                }
            } else if (CONNECT_KEYS.contains(key) || key.startsWith("transforms.") || key.startsWith("predicates.")) {
                notices.add("Kafka Connect setting " + key + " does not apply to pgcdc (it runs without Connect): ignored");
            } else if (!key.equals(CONNECTOR_CLASS) && !key.startsWith("database.hostname") && !key.equals("database.port")
                    && !key.equals("database.dbname") && !key.equals("database.sslmode") && !key.equals("database.sslrootcert")) {
                notices.add("Debezium setting " + key + " is not supported by pgcdc: ignored");
            }
        }
        return new DebeziumSettings(values, notices);
    }
}
