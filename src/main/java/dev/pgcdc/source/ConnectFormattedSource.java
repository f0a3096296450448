package dev.pgcdc.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ColumnType;
import dev.pgcdc.event.ConnectJson;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.Position;
import dev.pgcdc.event.TableId;
import dev.pgcdc.event.ValueFormat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a source's change events in Kafka Connect's {@code json-with-schema} form ({@link ConnectJson}),
 * keys, values or both, whatever the capture mode: every change event passes through here on its way to
 * the sink. Transaction and dead-letter events keep their plain JSON.
 */
public final class ConnectFormattedSource implements Source {

    private final Source source;
    private final ValueFormat keyFormat;
    private final ValueFormat valueFormat;
    private final ColumnTypes columnTypes;
    /** The table of each topic seen, for tombstones: they carry no value to read it from. */
    private final Map<String, TableId> tableOfTopic = new HashMap<>();

    public ConnectFormattedSource(Source source, DatabaseConfig database, ValueFormat keyFormat, ValueFormat valueFormat) {
        this.source = source;
        this.keyFormat = keyFormat;
        this.valueFormat = valueFormat;
        this.columnTypes = new ColumnTypes(database);
    }

    @Override
    public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
        List<ChangeEvent> events = source.poll(timeout);
        List<ChangeEvent> formatted = new ArrayList<>(events.size());
        for (ChangeEvent event : events) {
            formatted.add(format(event));
        }
        return formatted;
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
    public Position takePositionWithoutEvents() {
        return source.takePositionWithoutEvents();
    }

    @Override
    public long restarts() {
        return source.restarts();
    }

    @Override
    public long skippedTruncates() {
        return source.skippedTruncates();
    }

    @Override
    public List<String> takeWatermarks() {
        return source.takeWatermarks();
    }

    @Override
    public List<String> takeSignals() {
        return source.takeSignals();
    }

    @Override
    public boolean finished() {
        return source.finished();
    }

    @Override
    public void commit(Position position) {
        source.commit(position);
    }

    @Override
    public void close() {
        columnTypes.close();
        source.close();
    }
}
