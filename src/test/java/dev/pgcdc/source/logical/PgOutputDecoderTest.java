package dev.pgcdc.source.logical;

import dev.pgcdc.source.logical.PgOutputMessage.Begin;
import dev.pgcdc.source.logical.PgOutputMessage.Column;
import dev.pgcdc.source.logical.PgOutputMessage.Commit;
import dev.pgcdc.source.logical.PgOutputMessage.Delete;
import dev.pgcdc.source.logical.PgOutputMessage.Insert;
import dev.pgcdc.source.logical.PgOutputMessage.LogicalMessage;
import dev.pgcdc.source.logical.PgOutputMessage.Origin;
import dev.pgcdc.source.logical.PgOutputMessage.Relation;
import dev.pgcdc.source.logical.PgOutputMessage.Text;
import dev.pgcdc.source.logical.PgOutputMessage.Truncate;
import dev.pgcdc.source.logical.PgOutputMessage.Type;
import dev.pgcdc.source.logical.PgOutputMessage.Update;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Messages built byte by byte from "Logical Replication Message Formats" (protocol version 1). */
class PgOutputDecoderTest {

    private final PgOutputDecoder decoder = new PgOutputDecoder();

    /** Writes the protocol's Int8/16/32/64, String (null-terminated) and Byte1. */
    private static final class Wire {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);

        Wire byte1(char c) throws IOException { out.writeByte(c); return this; }
        Wire int8(int v) throws IOException { out.writeByte(v); return this; }
        Wire int16(int v) throws IOException { out.writeShort(v); return this; }
        Wire int32(int v) throws IOException { out.writeInt(v); return this; }
        Wire int64(long v) throws IOException { out.writeLong(v); return this; }
        Wire string(String s) throws IOException { out.write(s.getBytes(StandardCharsets.UTF_8)); out.writeByte(0); return this; }
        Wire text(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeByte('t'); out.writeInt(b.length); out.write(b); return this;
        }
        ByteBuffer buffer() { return ByteBuffer.wrap(bytes.toByteArray()); }
    }

    /** 2024-01-01T00:00:00Z in microseconds since 2000-01-01. */
    private static final long MICROS_2024 = (1_704_067_200L - 946_684_800L) * 1_000_000L;

    @Test
    void beginCarriesFinalLsnCommitTimeAndXid() throws IOException {
        var message = decoder.decode(new Wire().byte1('B').int64(0x16B3748L).int64(MICROS_2024 + 500).int32(0xFFFFFFFE).buffer());
        assertThat(message).isEqualTo(new Begin(Lsn.parse("0/16B3748"), Instant.parse("2024-01-01T00:00:00.000500Z"), 4294967294L));
    }

    @Test
    void commitCarriesCommitAndEndLsn() throws IOException {
        var message = decoder.decode(new Wire().byte1('C').int8(0).int64(100).int64(180).int64(MICROS_2024).buffer());
        assertThat(message).isEqualTo(new Commit(0, new Lsn(100), new Lsn(180), Instant.parse("2024-01-01T00:00:00Z")));
    }

    @Test
    void originAndType() throws IOException {
        assertThat(decoder.decode(new Wire().byte1('O').int64(7).string("node_b").buffer()))
                .isEqualTo(new Origin(new Lsn(7), "node_b"));
        assertThat(decoder.decode(new Wire().byte1('Y').int32(16_400).string("public").string("mood").buffer()))
                .isEqualTo(new Type(16_400, "public", "mood"));
    }

    @Test
    void relationListsColumnsWithKeyFlags() throws IOException {
        var message = (Relation) decoder.decode(new Wire().byte1('R').int32(16_384).string("").string("pg_thing")
                .int8('f').int16(2)
                .int8(1).string("id").int32(23).int32(-1)
                .int8(0).string("name").int32(1043).int32(104).buffer());
        assertThat(message.schema()).isEqualTo("pg_catalog");
        assertThat(message.replicaIdentity()).isEqualTo('f');
        assertThat(message.columns()).containsExactly(new Column(true, "id", 23, -1), new Column(false, "name", 1043, 104));
    }

    @Test
    void insertWithNullUnchangedToastAndTextValues() throws IOException {
        var message = (Insert) decoder.decode(new Wire().byte1('I').int32(5).byte1('N').int16(3)
                .byte1('n').byte1('u').text("ünï").buffer());
        assertThat(message.newTuple()).containsExactly(PgOutputMessage.Null.INSTANCE,
                PgOutputMessage.UnchangedToast.INSTANCE, new Text("ünï"));
    }

    @Test
    void updateWithoutOldTupleWithKeyTupleAndWithOldRow() throws IOException {
        var plain = (Update) decoder.decode(new Wire().byte1('U').int32(5).byte1('N').int16(1).text("1").buffer());
        assertThat(plain.oldKind()).isEqualTo((char) 0);
        assertThat(plain.oldTuple()).isNull();

        var keyChange = (Update) decoder.decode(new Wire().byte1('U').int32(5).byte1('K').int16(1).text("1")
                .byte1('N').int16(1).text("2").buffer());
        assertThat(keyChange.oldKind()).isEqualTo('K');
        assertThat(keyChange.oldTuple()).containsExactly(new Text("1"));
        assertThat(keyChange.newTuple()).containsExactly(new Text("2"));

        var full = (Update) decoder.decode(new Wire().byte1('U').int32(5).byte1('O').int16(2).text("1").text("a")
                .byte1('N').int16(2).text("1").text("b").buffer());
        assertThat(full.oldKind()).isEqualTo('O');
        assertThat(full.oldTuple()).containsExactly(new Text("1"), new Text("a"));
    }

    @Test
    void deleteWithKeyOrOldRow() throws IOException {
        assertThat(decoder.decode(new Wire().byte1('D').int32(9).byte1('K').int16(1).text("4").buffer()))
                .isEqualTo(new Delete(9, 'K', List.of(new Text("4"))));
        assertThat(((Delete) decoder.decode(new Wire().byte1('D').int32(9).byte1('O').int16(1).text("4").buffer())).oldKind())
                .isEqualTo('O');
    }

    @Test
    void truncateWithCascadeAndRestartIdentityFlags() throws IOException {
        assertThat(decoder.decode(new Wire().byte1('T').int32(2).int8(3).int32(10).int32(11).buffer()))
                .isEqualTo(new Truncate(true, true, List.of(10, 11)));
        assertThat(decoder.decode(new Wire().byte1('T').int32(1).int8(2).int32(10).buffer()))
                .isEqualTo(new Truncate(false, true, List.of(10)));
        assertThat(decoder.decode(new Wire().byte1('T').int32(1).int8(0).int32(10).buffer()))
                .isEqualTo(new Truncate(false, false, List.of(10)));
    }

    @Test
    void logicalDecodingMessage() throws IOException {
        var message = (LogicalMessage) decoder.decode(new Wire().byte1('M').int8(1).int64(42).string("pgcdc-heartbeat")
                .int32(3).int8('a').int8('b').int8('c').buffer());
        assertThat(message.transactional()).isTrue();
        assertThat(message.lsn()).isEqualTo(new Lsn(42));
        assertThat(message.prefix()).isEqualTo("pgcdc-heartbeat");
        assertThat(new String(message.content(), StandardCharsets.UTF_8)).isEqualTo("abc");
    }

    @Test
    void onlyCommitsAndLogicalMessagesEndWork() {
        for (char type : "BORYIUDT".toCharArray()) {
            assertThat(PgOutputDecoder.endsWork(ByteBuffer.wrap(new byte[] {(byte) type, 0}))).as("type %s", type).isFalse();
        }
        ByteBuffer commit = ByteBuffer.wrap(new byte[] {0, 'C', 0});
        commit.position(1);
        assertThat(PgOutputDecoder.endsWork(commit)).isTrue();
        assertThat(commit.position()).isEqualTo(1);
        assertThat(PgOutputDecoder.endsWork(ByteBuffer.wrap(new byte[] {'M', 0}))).isTrue();
    }

    @Test
    void unknownMessageTypeIsRejected() {
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(new byte[] {'Z'}))).hasMessageContaining("unknown pgoutput message type 'Z'");
    }

    @Test
    void lsnPrintsAndParsesInPostgresNotation() {
        assertThat(Lsn.parse("16/B374D848").value()).isEqualTo(0x16B374D848L);
        assertThat(new Lsn(0x16B374D848L)).hasToString("16/B374D848");
        assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF").isAfter(Lsn.parse("0/1"))).isTrue();
        assertThatThrownBy(() -> Lsn.parse("nope")).hasMessageContaining("not an LSN");
    }
}
