package dev.pgcdc.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ColumnType;
import dev.pgcdc.event.ConnectJson;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.TableId;
import dev.pgcdc.event.ValueFormat;
import dev.pgcdc.sink.Sink;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes change events in Kafka Connect's {@code json-with-schema} form ({@link ConnectJson}), keys, values
 * or both, whatever the capture mode, as the last step before Kafka: every change event passes through here,
 * after anything that reads the plain envelope. Transaction and dead-letter events keep their plain JSON.
 */
public final class ConnectFormattingSink implements Sink {

    private final Sink sink;
    private final ValueFormat keyFormat;
    private final ValueFormat valueFormat;
    private final ColumnTypes columnTypes;
    /** The table of each topic seen, for tombstones: they carry no value to read it from. */
    private final Map<String, TableId> tableOfTopic = new HashMap<>();

    public ConnectFormattingSink(Sink sink, DatabaseConfig database, ValueFormat keyFormat, ValueFormat valueFormat) {
        this.sink = sink;
        this.keyFormat = keyFormat;
        this.valueFormat = valueFormat;
        this.columnTypes = new ColumnTypes(database);
    }

    @Override
    public void send(ChangeEvent event, DeliveryCallback callback) {
        sink.send(format(event), callback);
    }

    private ChangeEvent format(ChangeEvent event) {
        TableId table;
        Set<String> rowColumns = null;
        if (event.value() == null) {
            table = tableOfTopic.get(event.topic());
        } else {
            JsonNode value = Json.parse(event.value());
            JsonNode source = value.get("source");
            if (!value.has("op") || source == null || !source.has("table")) {
                return event;
            }
            table = new TableId(source.get("schema").asText(), source.get("table").asText());
            tableOfTopic.put(event.topic(), table);
            JsonNode row = value.get("after").isNull() ? value.get("before") : value.get("after");
            if (row != null && !row.isNull() && !value.has("unavailable_columns")) {
                rowColumns = new HashSet<>();
                row.fieldNames().forEachRemaining(rowColumns::add);
            }
        }
        if (table == null) {
            return event;
        }
        List<ColumnType> columns = columnTypes.of(table, rowColumns);
        String key = event.key();
        if (key != null && keyFormat == ValueFormat.JSON_WITH_SCHEMA) {
            Set<String> keyNames = new HashSet<>();
            Json.parse(key).fieldNames().forEachRemaining(keyNames::add);
            List<ColumnType> keyColumns = columns.stream().filter(column -> keyNames.contains(column.name()))
                    .map(column -> new ColumnType(column.name(), column.kind(), column.elementKind(), false)).toList();
            key = ConnectJson.key(key, event.topic(), keyColumns);
        }
        String value = event.value();
        if (value != null && valueFormat == ValueFormat.JSON_WITH_SCHEMA) {
            value = ConnectJson.value(value, event.topic(), columns);
        }
        return new ChangeEvent(event.topic(), key, value, event.headers(), event.position());
    }

    @Override
    public void flush() {
        sink.flush();
    }

    @Override
    public void close() {
        columnTypes.close();
        sink.close();
    }
}
