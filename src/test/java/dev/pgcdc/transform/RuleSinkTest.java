package dev.pgcdc.transform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.ChangeRulesConfig;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.RowChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.sink.Sink;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RuleSinkTest {

    private static final DebeziumEnvelope ENVELOPE = new DebeziumEnvelope("app", "shop", "1.0", true);

    /** The sink behind the rules: keeps what reached it, acknowledges at once. */
    private static final class Received implements Sink {
        final List<ChangeEvent> events = new ArrayList<>();

        @Override
        public void send(ChangeEvent event, DeliveryCallback callback) {
            events.add(event);
            callback.completed(null);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private static List<ChangeEvent> events(String table, RowChange.Op op, String before, String after, List<String> keys) {
        RowChange change = new RowChange(op, new TableId("public", table), before, after, keys, 1, 1L, null, List.of(), List.of(), null);
        return ENVELOPE.events(change, 2L, null, List.of());
    }

    private static List<Exception> sendAll(Sink sink, List<ChangeEvent> events) {
        List<Exception> outcomes = new ArrayList<>();
        events.forEach(event -> sink.send(event, outcomes::add));
        return outcomes;
    }

    @Test
    void excludedTablesNeverReachKafkaButCountAsDeliveredTombstonesIncluded() {
        Received kafka = new Received();
        RuleSink rules = new RuleSink(kafka, ChangeRulesConfig.of(List.of(), List.of("public\\.audit.*"), List.of(), List.of(), List.of(), null));
        List<Exception> outcomes = sendAll(rules, events("audit_log", RowChange.Op.DELETE, "{\"id\":1}", null, List.of("id")));
        outcomes.addAll(sendAll(rules, events("sales", RowChange.Op.CREATE, null, "{\"id\":2}", List.of("id"))));
        assertThat(outcomes).hasSize(3).containsOnlyNulls();
        assertThat(kafka.events).extracting(ChangeEvent::topic).containsExactly("app.public.sales");
    }

    @Test
    void includeListKeepsOnlyMatchingTables() {
        Received kafka = new Received();
        RuleSink rules = new RuleSink(kafka, ChangeRulesConfig.of(List.of("public\\.sales"), List.of(), List.of(), List.of(), List.of(), null));
        sendAll(rules, events("sales", RowChange.Op.CREATE, null, "{\"id\":1}", List.of("id")));
        sendAll(rules, events("orders", RowChange.Op.CREATE, null, "{\"id\":1}", List.of("id")));
        assertThat(kafka.events).extracting(ChangeEvent::topic).containsExactly("app.public.sales");
    }

    @Test
    void columnsAreExcludedMaskedAndHashedInBothImagesAndKeysKeepTheirColumns() throws Exception {
        Received kafka = new Received();
        RuleSink rules = new RuleSink(kafka, ChangeRulesConfig.of(List.of(), List.of(), List.of("public\\.customers\\.notes"),
                List.of("public\\.customers\\.card"), List.of("public\\.customers\\.(email|id)"), "pepper"));
        sendAll(rules, events("customers", RowChange.Op.UPDATE,
                "{\"id\":7,\"email\":\"a@x.io\",\"card\":\"4111\",\"notes\":\"old\",\"name\":\"Ana\"}",
                "{\"id\":7,\"email\":\"b@x.io\",\"card\":null,\"notes\":\"new\",\"name\":\"Ana\"}", List.of("id")));
        ChangeEvent published = kafka.events.get(0);
        JsonNode value = Json.parse(published.value());
        assertThat(Json.write(value.get("before"))).isEqualTo("{\"id\":\"" + sha("7") + "\",\"email\":\"" + sha("a@x.io")
                + "\",\"card\":\"***\",\"name\":\"Ana\"}");
        assertThat(Json.write(value.get("after"))).isEqualTo("{\"id\":\"" + sha("7") + "\",\"email\":\"" + sha("b@x.io")
                + "\",\"card\":null,\"name\":\"Ana\"}");
        assertThat(published.key()).isEqualTo("{\"id\":\"" + sha("7") + "\"}");
        assertThat(published.value()).doesNotContain("a@x.io", "b@x.io", "4111", "notes", "pepper");
    }

    @Test
    void keyChangeHeadersAreRewrittenLikeTheKeys() throws Exception {
        Received kafka = new Received();
        RuleSink rules = new RuleSink(kafka, ChangeRulesConfig.of(List.of(), List.of(), List.of(), List.of(), List.of("public\\.t\\.id"), "s"));
        sendAll(rules, events("t", RowChange.Op.UPDATE, "{\"id\":1}", "{\"id\":2}", List.of("id")));
        assertThat(kafka.events).hasSize(3);
        for (ChangeEvent event : kafka.events) {
            assertThat(event.key()).doesNotContain(":1}", ":2}");
            event.headers().forEach(header -> assertThat(header.value()).as(header.name()).doesNotContain(":1}", ":2}"));
        }
        assertThat(kafka.events.get(1).value()).as("the tombstone").isNull();
        assertThat(kafka.events.get(1).key()).isEqualTo("{\"id\":\"" + sha("s", "1") + "\"}");
    }

    private static String sha(String value) throws Exception {
        return sha("pepper", value);
    }

    private static String sha(String salt, String value) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(salt.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
