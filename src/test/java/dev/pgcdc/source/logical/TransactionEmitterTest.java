package dev.pgcdc.source.logical;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.config.BadRecordPolicy;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.Json;
import dev.pgcdc.event.SkippedOperations;
import dev.pgcdc.source.logical.PgOutputMessage.Begin;
import dev.pgcdc.source.logical.PgOutputMessage.Column;
import dev.pgcdc.source.logical.PgOutputMessage.Commit;
import dev.pgcdc.source.logical.PgOutputMessage.Insert;
import dev.pgcdc.source.logical.PgOutputMessage.LogicalMessage;
import dev.pgcdc.source.logical.PgOutputMessage.Relation;
import dev.pgcdc.source.logical.PgOutputMessage.Text;
import dev.pgcdc.source.logical.PgOutputMessage.Truncate;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TransactionEmitterTest {

    private static final Relation TABLE = new Relation(16_385, "public", "t", 'd',
            List.of(new Column(true, "id", 23, -1), new Column(false, "tags", 1007, -1)));
    private static final Insert GOOD = new Insert(16_385, List.of(new Text("1"), new Text("{1,2}")));
    /** An int[] value whose literal is cut short: it cannot be encoded. */
    private static final Insert BAD = new Insert(16_385, List.of(new Text("2"), new Text("{1,2")));

    private static TransactionEmitter emitter(BadRecordPolicy policy) {
        return emitter(policy, SkippedOperations.NONE);
    }

    private static TransactionEmitter emitter(BadRecordPolicy policy, SkippedOperations skipped) {
        return new TransactionEmitter(new ChangeAssembler(oid -> List.of(), new TypeResolver(RowEncoderTest.BUILT_IN_ARRAYS), false),
                new DebeziumEnvelope("p", "db", "test", false), false, policy, skipped);
    }

    private static List<ChangeEvent> run(TransactionEmitter emitter, Insert... inserts) {
        List<ChangeEvent> events = new ArrayList<>();
        emitter.accept(new Begin(new Lsn(0x500), Instant.EPOCH, 7), new Lsn(0x100), events);
        emitter.accept(TABLE, new Lsn(0x100), events);
        long lsn = 0x200;
        for (Insert insert : inserts) {
            emitter.accept(insert, new Lsn(lsn++), events);
        }
        emitter.accept(new Commit(0, new Lsn(0x500), new Lsn(0x510), Instant.EPOCH), new Lsn(0x500), events);
        return events;
    }

    @Test
    void theLastChangeOfATransactionCarriesTheCommitEndAndTheOthersNone() {
        List<ChangeEvent> events = run(emitter(BadRecordPolicy.FAIL), GOOD, new Insert(16_385, List.of(new Text("3"), new Text("{}"))));
        assertThat(events).extracting(ChangeEvent::position).containsExactly(null, new Lsn(0x510));
    }

    @Test
    void failStopsWithTableKeyPositionAndReason() {
        CdcException failure = catchThrowableOfType(CdcException.class, () -> run(emitter(BadRecordPolicy.FAIL), GOOD, BAD));
        assertThat(failure.getMessage()).contains("public.t", "{\"id\":\"2\"}", "position 0/201", "--on-bad-record");
    }

    @Test
    void dlqRoutesTheRawChangeAsideAndTheTransactionStillCommits() {
        List<ChangeEvent> events = run(emitter(BadRecordPolicy.DLQ), GOOD, BAD);
        assertThat(events).extracting(ChangeEvent::topic).containsExactly("p.public.t.dlq", "p.public.t");
        JsonNode letter = Json.parse(events.get(0).value());
        assertThat(letter.get("topic").asText()).isEqualTo("p.public.t");
        assertThat(Json.write(Json.parse(letter.get("value").asText()))).isEqualTo("{\"id\":\"2\",\"tags\":\"{1,2\"}");
        assertThat(letter.get("position").asText()).isEqualTo("0/201");
        assertThat(events.get(1).position()).as("the good change still carries the commit").isEqualTo(new Lsn(0x510));
    }

    @Test
    void skipDropsTheChangeAndAnEmptiedTransactionIsAPositionWithoutEvents() {
        TransactionEmitter emitter = emitter(BadRecordPolicy.SKIP);
        assertThat(run(emitter, BAD)).isEmpty();
        assertThat(emitter.takePositionWithoutEvents()).isEqualTo(new Lsn(0x510));
    }

    @Test
    void aChangeAfterAPositionWithoutEventsWaitsSoTheOrderIsKept() {
        TransactionEmitter emitter = emitter(BadRecordPolicy.FAIL);
        List<ChangeEvent> events = new ArrayList<>();
        emitter.accept(new LogicalMessage(false, new Lsn(0x50), "pgcdc-heartbeat", new byte[0]), new Lsn(0x50), events);
        emitter.accept(new Begin(new Lsn(0x500), Instant.EPOCH, 7), new Lsn(0x100), events);
        emitter.accept(TABLE, new Lsn(0x100), events);
        assertThat(emitter.accept(GOOD, new Lsn(0x200), events)).isFalse();
        assertThat(emitter.takePositionWithoutEvents()).isEqualTo(new Lsn(0x50));
        assertThat(emitter.acceptCarried(events)).isTrue();
        emitter.accept(new Commit(0, new Lsn(0x500), new Lsn(0x510), Instant.EPOCH), new Lsn(0x500), events);
        assertThat(events).extracting(ChangeEvent::position).containsExactly(new Lsn(0x510));
    }

    @Test
    void skippedTruncateIsCountedAndItsTransactionIsAPositionWithoutEvents() {
        TransactionEmitter emitter = emitter(BadRecordPolicy.FAIL, SkippedOperations.parse("t"));
        List<ChangeEvent> events = new ArrayList<>();
        emitter.accept(new Begin(new Lsn(0x500), Instant.EPOCH, 7), new Lsn(0x100), events);
        emitter.accept(TABLE, new Lsn(0x100), events);
        emitter.accept(new Truncate(false, false, List.of(16_385)), new Lsn(0x200), events);
        emitter.accept(new Commit(0, new Lsn(0x500), new Lsn(0x510), Instant.EPOCH), new Lsn(0x500), events);

        assertThat(events).isEmpty();
        assertThat(emitter.takePositionWithoutEvents()).isEqualTo(new Lsn(0x510));
        assertThat(emitter.skippedTruncates()).isEqualTo(1);
    }

    @Test
    void truncatesArePublishedUnlessSkipped() {
        TransactionEmitter emitter = emitter(BadRecordPolicy.FAIL, SkippedOperations.parse("c"));
        List<ChangeEvent> events = new ArrayList<>();
        emitter.accept(new Begin(new Lsn(0x500), Instant.EPOCH, 7), new Lsn(0x100), events);
        emitter.accept(TABLE, new Lsn(0x100), events);
        emitter.accept(GOOD, new Lsn(0x180), events);
        emitter.accept(new Truncate(false, false, List.of(16_385)), new Lsn(0x200), events);
        emitter.accept(new Commit(0, new Lsn(0x500), new Lsn(0x510), Instant.EPOCH), new Lsn(0x500), events);

        assertThat(events).extracting(event -> Json.parse(event.value()).get("op").asText()).containsExactly("t");
        assertThat(events.get(0).position()).isEqualTo(new Lsn(0x510));
        assertThat(emitter.skippedTruncates()).isZero();
    }
}
