package dev.pgcdc.source.logical;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.RowChange;
import dev.pgcdc.observe.CaptureMetrics;
import dev.pgcdc.observe.MeteredSink;
import dev.pgcdc.observe.web.LiveFeed;
import dev.pgcdc.sink.Sink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The logical capture's hot path, one insert at a time: pgoutput bytes → decoded message → row_to_json text →
 * Debezium envelope → the UTF-8 bytes Kafka's StringSerializer sends. Rows of 5 and 50 columns mixing the types
 * tables commonly hold. {@code metered} adds what {@code --metrics-port} puts on every event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class HotPathBenchmark {

    private static final int RELATION_OID = 16_400;
    /** Type OIDs cycled through the non-key columns: text, numeric, timestamptz, bool, int8, jsonb, float8, int4. */
    private static final int[] TYPES = {25, 1700, 1184, 16, 20, 3802, 701, 23};
    private static final String[] VALUES = {"Widget de luxe, blue", "1234.50", "2026-11-27 03:14:15.123456+00", "t",
            "9876543210", "{\"sku\": \"A-17\", \"tags\": [\"new\", \"sale\"]}", "3.14159", "42"};

    @Param({"5", "50"})
    public int columns;

    private final PgOutputDecoder decoder = new PgOutputDecoder();
    private final DebeziumEnvelope envelope = new DebeziumEnvelope("bench", "postgres", "0.1.0", true);
    private ChangeAssembler assembler;
    private byte[] insert;
    private long lsn = 0x1_0000_0000L;
    private Sink metered;

    @Setup
    public void setUp() throws IOException {
        assembler = new ChangeAssembler(oid -> List.of("id"), new TypeResolver(new TypeResolver.Catalog() {
            @Override
            public TypeResolver.TypeRow type(int oid) {
                return null;
            }

            @Override
            public List<Map.Entry<String, Integer>> attributes(int relationOid) {
                return List.of();
            }
        }), false);
        assembler.relation((PgOutputMessage.Relation) decoder.decode(ByteBuffer.wrap(relation())));
        assembler.begin((PgOutputMessage.Begin) decoder.decode(ByteBuffer.wrap(begin())));
        insert = insert();
        metered = new MeteredSink(new Sink() {
            @Override
            public void send(ChangeEvent event, DeliveryCallback callback) {
                callback.completed(null);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        }, new CaptureMetrics(), new LiveFeed());
    }

    @Benchmark
    public void decodeEncodeSerialize(Blackhole sink) {
        for (ChangeEvent event : events()) {
            serialize(event, sink);
        }
    }

    @Benchmark
    public void decodeEncodeSerializeMetered(Blackhole sink) {
        for (ChangeEvent event : events()) {
            metered.send(event, failure -> serialize(event, sink));
        }
    }

    private List<ChangeEvent> events() {
        Lsn at = new Lsn(lsn += 128);
        RowChange change = assembler.insert((PgOutputMessage.Insert) decoder.decode(ByteBuffer.wrap(insert)), at);
        return envelope.events(change, System.currentTimeMillis(), at, List.of());
    }

    private static void serialize(ChangeEvent event, Blackhole sink) {
        sink.consume(event.topic().getBytes(StandardCharsets.UTF_8));
        sink.consume(event.key().getBytes(StandardCharsets.UTF_8));
        sink.consume(event.value().getBytes(StandardCharsets.UTF_8));
    }

    private byte[] relation() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte('R');
        out.writeInt(RELATION_OID);
        string(out, "public");
        string(out, "orders_" + columns);
        out.writeByte('d');
        out.writeShort(columns);
        out.writeByte(1);
        string(out, "id");
        out.writeInt(23);
        out.writeInt(-1);
        for (int i = 1; i < columns; i++) {
            out.writeByte(0);
            string(out, "column_" + i);
            out.writeInt(TYPES[(i - 1) % TYPES.length]);
            out.writeInt(-1);
        }
        return bytes.toByteArray();
    }

    private static byte[] begin() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte('B');
        out.writeLong(0x2_0000_0000L);
        out.writeLong(848_000_000_000_000L);
        out.writeInt(777);
        return bytes.toByteArray();
    }

    private byte[] insert() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte('I');
        out.writeInt(RELATION_OID);
        out.writeByte('N');
        out.writeShort(columns);
        text(out, "1000017");
        for (int i = 1; i < columns; i++) {
            text(out, VALUES[(i - 1) % VALUES.length]);
        }
        return bytes.toByteArray();
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeByte('t');
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static void string(DataOutputStream out, String value) throws IOException {
        out.write(value.getBytes(StandardCharsets.UTF_8));
        out.writeByte(0);
    }
}
