package dev.pgcdc.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.config.TriggerCaptureConfig;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.ValueFormat;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.Sink;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.source.logical.LogicalSource;
import dev.pgcdc.source.trigger.JournalSchema;
import dev.pgcdc.source.trigger.TriggerSource;
import dev.pgcdc.testing.LogicalCapture;
import dev.pgcdc.testing.TestServices;
import dev.pgcdc.testing.Topics;
import dev.pgcdc.testing.TypeMatrix;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka Connect's own JsonConverter ({@code schemas.enable=true}), as Connect sinks run it, reads the
 * json-with-schema keys and values of both table-capturing modes into Structs whose fields equal the source row.
 */
class ConnectJsonConverterIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final KafkaConfig kafka = TestServices.kafka();

    @Test
    void jsonConverterReadsEveryTypeOfTheTypeMatrixIntoAStructEqualToTheSourceRow() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        String prefix = TestServices.uniqueName("connect");
        TypeMatrix.create(database);
        LogicalSetup.install(database, "pgcdc", List.of(TypeMatrix.TABLE), false, true);
        JournalSchema.install(database, List.of(TypeMatrix.TABLE));
        LogicalCaptureConfig logical = LogicalCapture.config(prefix, "pgcdc");
        TriggerCaptureConfig trigger = new TriggerCaptureConfig(prefix + "_t", true, Duration.ofMillis(100), 500);
        List<String> logicalTopics = LogicalSource.topicsOfPublishedTables(database, logical);
        List<String> triggerTopics = TriggerSource.topicsOfCapturedTables(database, trigger);
        KafkaClusterCheck.ensureTopics(kafka, logicalTopics, WAIT);
        KafkaClusterCheck.ensureTopics(kafka, triggerTopics, WAIT);
        try (Capture fromWal = Capture.start(LogicalSource.open(database, logical), withSchemas(new KafkaSink(kafka, logicalTopics), database));
             Capture fromJournal = Capture.start(TriggerSource.open(database, trigger), withSchemas(new KafkaSink(kafka, triggerTopics), database))) {
            TypeMatrix.insertFromAForeignSession(database);
            JsonNode reference = Json.parse(TypeMatrix.rowToJson(database));

            for (String topic : List.of(prefix + ".public.everything", prefix + "_t.public.everything")) {
                ConsumedChange record = Topics.read(kafka, topic, 1, WAIT).get(0);
                Struct key = (Struct) converter(true).toConnectData(topic, bytes(record.key())).value();
                assertThat(key.getInt64("id")).isEqualTo(1L);

                SchemaAndValue value = converter(false).toConnectData(topic, bytes(record.value()));
                Struct envelope = (Struct) value.value();
                assertThat(envelope.getString("op")).isEqualTo("c");
                assertThat(envelope.get("before")).isNull();
                Struct after = envelope.getStruct("after");
                List<String> fields = after.schema().fields().stream().map(Field::name).toList();
                List<String> columns = new ArrayList<>();
                reference.fieldNames().forEachRemaining(columns::add);
                assertThat(fields).as(topic).isEqualTo(columns);
                for (String column : columns) {
                    Field field = after.schema().field(column);
                    assertEqual(topic + " " + column, field.schema(), reference.get(column), after.get(field));
                }
                assertThat(after.schema().field("tstz").schema().name()).isEqualTo("io.debezium.time.ZonedTimestamp");
                assertThat(after.schema().field("jb").schema().name()).isEqualTo("io.debezium.data.Json");
                assertThat(after.schema().field("n").schema().type()).isEqualTo(Schema.Type.STRING);
                assertThat(after.getString("n")).isEqualTo("123456789012345678901234567890.123456789");
                assertThat(after.getString("tstz")).isEqualTo("2024-02-29T11:14:15.5Z");
                assertThat(envelope.getStruct("source").getString("table")).isEqualTo("everything");
            }
            assertThat(fromWal.isRunning() && fromJournal.isRunning()).isTrue();
        } finally {
            LogicalSetup.teardown(database, logical.slot(), "pgcdc");
        }
    }

    private static Sink withSchemas(Sink sink, DatabaseConfig database) {
        return new ConnectFormattingSink(sink, database, ValueFormat.JSON_WITH_SCHEMA, ValueFormat.JSON_WITH_SCHEMA);
    }

    private static JsonConverter converter(boolean isKey) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), isKey);
        return converter;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The Struct's value against row_to_json's (after the timestamptz normalisation), by the field's schema:
     * numbers by value, numerics as their exact decimal text, json as the same JSON, arrays element by element.
     * Non-finite floats, which JSON numbers cannot hold, are null.
     */
    private static void assertEqual(String what, Schema schema, JsonNode expected, Object actual) {
        if (expected == null || expected.isNull()) {
            assertThat(actual).as(what).isNull();
            return;
        }
        switch (schema.type()) {
            case INT16, INT32, INT64 -> assertThat(((Number) actual).longValue()).as(what).isEqualTo(expected.longValue());
            case FLOAT32 -> assertThat(actual).as(what).isEqualTo(expected.isNumber() ? (Object) expected.floatValue() : null);
            case FLOAT64 -> assertThat(actual).as(what).isEqualTo(expected.isNumber() ? (Object) expected.doubleValue() : null);
            case BOOLEAN -> assertThat(actual).as(what).isEqualTo(expected.booleanValue());
            case ARRAY -> {
                List<?> elements = (List<?>) actual;
                assertThat(elements).as(what).hasSize(expected.size());
                for (int i = 0; i < elements.size(); i++) {
                    assertEqual(what + "[" + i + "]", schema.valueSchema(), expected.get(i), elements.get(i));
                }
            }
            case STRING -> {
                if ("io.debezium.data.Json".equals(schema.name())) {
                    assertThat(Json.parse((String) actual)).as(what).isEqualTo(expected);
                } else if (expected.isNumber()) {
                    assertThat(new BigDecimal((String) actual)).as(what).isEqualTo(expected.decimalValue());
                } else {
                    assertThat(actual).as(what).isEqualTo(expected.asText());
                }
            }
            default -> throw new AssertionError(what + ": unexpected schema type " + schema.type());
        }
    }
}
