package dev.pgcdc.observe;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.RowChange;
import dev.pgcdc.event.TableId;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EnvelopeFactsTest {

    private static final DebeziumEnvelope ENVELOPE = new DebeziumEnvelope("app", "shop", "1.0", true);
    private static final TableId SALES = new TableId("public", "sales");

    private static List<ChangeEvent> events(RowChange.Op op, String before, String after) {
        RowChange change = new RowChange(op, SALES, before, after, List.of("id"), 7, 1_700_000_000_123L, 99L, List.of(),
                List.of(), new RowChange.Transaction("7:99", 1, 1));
        return ENVELOPE.events(change, 1_700_000_000_999L, null, List.of());
    }

    @Test
    void readsTableOpAndCommitTimeOfEachOperation() {
        assertThat(EnvelopeFacts.of("app.public.sales", events(RowChange.Op.CREATE, null, "{\"id\":1}").get(0).value()))
                .isEqualTo(new EnvelopeFacts("public.sales", "c", 1_700_000_000_123L));
        assertThat(EnvelopeFacts.of("app.public.sales", events(RowChange.Op.UPDATE, "{\"id\":1}", "{\"id\":1}").get(0).value()).op())
                .isEqualTo("u");
        List<ChangeEvent> delete = events(RowChange.Op.DELETE, "{\"id\":1}", null);
        assertThat(EnvelopeFacts.of("app.public.sales", delete.get(0).value()).op()).isEqualTo("d");
        assertThat(EnvelopeFacts.of("app.public.sales", delete.get(1).value()))
                .isEqualTo(new EnvelopeFacts("app.public.sales", "tombstone", -1));
    }

    @Test
    void rowDataThatLooksLikeTheEnvelopeIsNotMistakenForIt() {
        String after = "{\"id\":1,\"doc\":{\"source\":{\"schema\":\"evil\",\"table\":\"x\",\"ts_ms\":1},\"op\":\"x\"},"
                + "\"note\":\"\\\"op\\\":\\\"y\\\" \\\"source\\\":{\"}";
        assertThat(EnvelopeFacts.of("app.public.sales", events(RowChange.Op.CREATE, null, after).get(0).value()))
                .isEqualTo(new EnvelopeFacts("public.sales", "c", 1_700_000_000_123L));
    }

    @Test
    void valuesThatAreNotRowChangesAreCountedApart() {
        ChangeEvent begin = ENVELOPE.transactionBegin("7:99", 1_700_000_000_000L, null);
        assertThat(EnvelopeFacts.of(begin.topic(), begin.value())).isEqualTo(new EnvelopeFacts(begin.topic(), "other", -1));
        assertThat(EnvelopeFacts.of("sales_channel", "{\"id\":1,\"amount\":2}").op()).isEqualTo("other");
    }
}
