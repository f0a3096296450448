package dev.pgcdc.observe;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.RowChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.observe.web.LiveFeed;
import dev.pgcdc.sink.Sink;
import dev.pgcdc.source.logical.Lsn;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MeteredSinkTest {

    private static final DebeziumEnvelope ENVELOPE = new DebeziumEnvelope("app", "shop", "1.0", false);
    private static final int SENT = 500;

    /** Keeps every send's callback without answering, as Kafka does until it acknowledges. */
    private static final class UnansweredSink implements Sink {
        final List<DeliveryCallback> pending = new ArrayList<>();

        @Override
        public void send(ChangeEvent event, DeliveryCallback callback) {
            pending.add(callback);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void keepsTheValuesOfOnlyTheChangesTheLiveViewWillShowUntilKafkaAcknowledgesThem() {
        UnansweredSink kafka = new UnansweredSink();
        CaptureMetrics metrics = new CaptureMetrics();
        MeteredSink sink = new MeteredSink(kafka, metrics, new LiveFeed());
        List<WeakReference<String>> values = new ArrayList<>();
        for (int id = 1; id <= SENT; id++) {
            values.add(sendFresh(sink, id));
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (kept(values) > SENT / 2 && System.nanoTime() < deadline) {
            System.gc();
        }

        assertThat(kept(values)).as("values kept while %d sends await their acknowledgement", SENT).isLessThanOrEqualTo(SENT / 2);
        kafka.pending.forEach(callback -> callback.completed(null));
        assertThat(metrics.scrape()).as("every acknowledged change still counts")
                .contains("pgcdc_changes_published_total{op=\"c\",table=\"public.sales\"} " + SENT + ".0");
    }

    private static WeakReference<String> sendFresh(MeteredSink sink, long id) {
        RowChange change = new RowChange(RowChange.Op.CREATE, new TableId("public", "sales"), null, "{\"id\":" + id + "}",
                List.of("id"), 7, 1_700_000_000_123L, id, List.of(), List.of(), null);
        ChangeEvent event = ENVELOPE.events(change, 1_700_000_000_999L, new Lsn(id), List.of()).get(0);
        sink.send(event, failure -> { });
        return new WeakReference<>(event.value());
    }

    private static long kept(List<WeakReference<String>> values) {
        return values.stream().filter(value -> value.get() != null).count();
    }
}
