package dev.pgcdc.transform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.ChangeRulesConfig;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.Header;
import dev.pgcdc.event.Json;
import dev.pgcdc.sink.Sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies table filters and column exclusion, masking and hashing to every change before it reaches Kafka,
 * whichever mode or snapshot produced it. A change of a filtered-out table counts as delivered at once, so
 * the source position moves past it. Values that are not row changes (transaction events, dead letters)
 * pass as they are.
 */
public final class RuleSink implements Sink {

    private final Sink delegate;
    private final ChangeRules rules;
    /** A tombstone names no table: the table last seen on its topic (its delete came just before) decides. */
    private final Map<String, String> tableOfTopic = new ConcurrentHashMap<>();

    public RuleSink(Sink delegate, ChangeRulesConfig config) {
        this.delegate = delegate;
        this.rules = new ChangeRules(config);
    }

    @Override
    public void send(ChangeEvent event, DeliveryCallback callback) {
        if (event.value() == null) {
            String table = tableOfTopic.get(event.topic());
            if (table == null) {
                delegate.send(event, callback);
            } else if (!rules.captures(table)) {
                callback.completed(null);
            } else {
                delegate.send(rewritten(event, table, null), callback);
            }
            return;
        }
        JsonNode value = Json.parse(event.value());
        JsonNode envelope = value.has("payload") && value.has("schema") ? value.get("payload") : value;
        JsonNode source = envelope.path("source");
        if (!source.isObject() || !envelope.has("op")) {
            delegate.send(event, callback);
            return;
        }
        String table = source.path("schema").asText() + "." + source.path("table").asText();
        tableOfTopic.put(event.topic(), table);
        if (!rules.captures(table)) {
            callback.completed(null);
            return;
        }
        if (!rules.touchesColumns()) {
            delegate.send(event, callback);
            return;
        }
        rules.apply(table, envelope.get("before"), false);
        rules.apply(table, envelope.get("after"), false);
        delegate.send(rewritten(event, table, Json.write(value)), callback);
    }

    /** The event with its key (and key headers) rewritten, and {@code value} when given. */
    private ChangeEvent rewritten(ChangeEvent event, String table, String value) {
        if (!rules.touchesColumns()) {
            return event;
        }
        List<Header> headers = new ArrayList<>();
        for (Header header : event.headers()) {
            boolean key = header.name().equals(DebeziumEnvelope.NEW_KEY_HEADER) || header.name().equals(DebeziumEnvelope.OLD_KEY_HEADER);
            headers.add(key ? new Header(header.name(), rewrittenKey(table, header.value())) : header);
        }
        return new ChangeEvent(event.topic(), rewrittenKey(table, event.key()), value != null ? value : event.value(), headers,
                event.position());
    }

    private String rewrittenKey(String table, String key) {
        if (key == null) {
            return null;
        }
        JsonNode parsed = Json.parse(key);
        JsonNode fields = parsed.has("payload") && parsed.has("schema") ? parsed.get("payload") : parsed;
        rules.apply(table, fields, true);
        return Json.write(parsed);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
