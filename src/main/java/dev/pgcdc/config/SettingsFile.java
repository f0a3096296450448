package dev.pgcdc.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.Json;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * A settings file ({@code --config}): pgcdc's own YAML, properties or JSON, keyed by option name without the
 * dashes ({@code topic-prefix: app}), or a Debezium PostgreSQL connector config as users keep it (the
 * {@code .properties} file, or the JSON posted to Kafka Connect), recognised by its {@code connector.class}
 * and translated by {@link DebeziumSettings}. Lists become comma-separated values; a nested map under
 * {@code kafka-property} becomes {@code key=value} pairs.
 *
 * @param values   setting name to value, in file order
 * @param notices  one line per setting read but not applied (unsupported Debezium keys)
 * @param debezium whether the file was a Debezium connector config
 */
public record SettingsFile(Path path, Map<String, String> values, List<String> notices, boolean debezium) {

    public static SettingsFile read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--config " + path + ": no such file");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        Map<String, Object> raw;
        try {
            raw = name.endsWith(".properties") ? properties(path) : name.endsWith(".json") ? json(path) : yaml(path);
        } catch (IOException | YAMLException | Json.InvalidJsonException e) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--config " + path + " cannot be read: "
                    + firstLine(e.getMessage()), e);
        }
        if (raw.get("config") instanceof Map<?, ?> connect && connect.containsKey(DebeziumSettings.CONNECTOR_CLASS)) {
            raw = stringKeys(connect);
        }
        if (raw.containsKey(DebeziumSettings.CONNECTOR_CLASS)) {
            Map<String, String> debezium = new LinkedHashMap<>();
            raw.forEach((key, value) -> debezium.put(key, text(key, value, path)));
            DebeziumSettings translated = DebeziumSettings.translate(debezium);
            return new SettingsFile(path, translated.values(), translated.notices(), true);
        }
        Map<String, String> values = new LinkedHashMap<>();
        raw.forEach((key, value) -> values.put(key, text(key, value, path)));
        return new SettingsFile(path, values, List.of(), false);
    }

    private static Map<String, Object> yaml(Path path) throws IOException {
        try (Reader reader = Files.newBufferedReader(path)) {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            if (document == null) {
                return Map.of();
            }
            if (!(document instanceof Map<?, ?> map)) {
                throw new YAMLException("expected 'setting: value' lines at the top level");
            }
            return stringKeys(map);
        }
    }

    private static Map<String, Object> properties(Path path) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path)) {
            properties.load(reader);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(key -> map.put(key, properties.getProperty(key)));
        return map;
    }

    private static Map<String, Object> json(Path path) throws IOException {
        JsonNode root = Json.parse(Files.readString(path));
        if (!root.isObject()) {
            throw new IOException("expected a JSON object of settings");
        }
        return stringKeys(Json.mapper().convertValue(root, Map.class));
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> keyed = new LinkedHashMap<>();
        map.forEach((key, value) -> keyed.put(String.valueOf(key), value));
        return keyed;
    }

    private static String text(String key, Object value, Path path) {
        if (value instanceof Collection<?> items) {
            return items.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        if (value instanceof Map<?, ?> entries) {
            List<String> pairs = new ArrayList<>();
            for (Iterator<? extends Map.Entry<?, ?>> it = entries.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<?, ?> entry = it.next();
                pairs.add(entry.getKey() + "=" + entry.getValue());
            }
            return String.join(",", pairs);
        }
        if (value == null) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--config " + path + ": setting '" + key + "' has no value");
        }
        return String.valueOf(value);
    }

    private static String firstLine(String message) {
        return message == null ? "unreadable" : message.lines().findFirst().orElse(message);
    }
}
