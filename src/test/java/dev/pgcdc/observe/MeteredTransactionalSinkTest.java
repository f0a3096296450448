package dev.pgcdc.observe;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.Position;
import dev.pgcdc.event.RowChange;
import dev.pgcdc.event.TableId;
import dev.pgcdc.observe.web.LiveFeed;
import dev.pgcdc.sink.TransactionalSink;
import dev.pgcdc.source.logical.Lsn;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MeteredTransactionalSinkTest {

    private static final DebeziumEnvelope ENVELOPE = new DebeziumEnvelope("app", "shop", "1.0", false);
    private static final String PUBLISHED = "pgcdc_changes_published_total{op=\"c\",table=\"public.sales\"}";
    private static final String CAPTURED = "pgcdc_changes_captured_total{op=\"c\",table=\"public.sales\"}";

    private final CaptureMetrics metrics = new CaptureMetrics();
    private final AcknowledgingTransactions kafka = new AcknowledgingTransactions();
    private final MeteredTransactionalSink sink = new MeteredTransactionalSink(kafka, metrics, new LiveFeed());

    @Test
    void anAcknowledgedChangeCountsAsPublishedOnlyWhenItsTransactionCommits() {
        sink.send(insert(1), failure -> { });
        sink.send(insert(2), failure -> { });

        assertThat(value(CAPTURED)).isEqualTo(2);
        assertThat(value(PUBLISHED)).as("acknowledged by the broker, not yet committed").isZero();
        sink.commit(insert(2).position());
        assertThat(value(PUBLISHED)).isEqualTo(2);
        assertThat(kafka.commits).isEqualTo(1);
    }

    @Test
    void changesOfAnAbortedTransactionAreNeverCountedAsPublished() {
        sink.send(insert(1), failure -> { });
        sink.commit(insert(1).position());
        sink.send(insert(2), failure -> { });
        sink.send(insert(3), failure -> { });

        sink.abort();
        sink.send(insert(2), failure -> { });
        sink.commit(insert(2).position());

        assertThat(value(CAPTURED)).isEqualTo(4);
        assertThat(value(PUBLISHED)).as("the two committed changes, not the two aborted ones").isEqualTo(2);
    }

    private double value(String series) {
        return metrics.scrape().lines().filter(line -> line.startsWith(series + " ")).mapToDouble(line -> Double.parseDouble(
                line.substring(series.length() + 1))).findFirst().orElse(0);
    }

    private static ChangeEvent insert(long id) {
        RowChange change = new RowChange(RowChange.Op.CREATE, new TableId("public", "sales"), null, "{\"id\":" + id + "}",
                List.of("id"), 7, 1_700_000_000_123L, id, List.of(), List.of(), new RowChange.Transaction("7:" + id, 1, 1));
        return ENVELOPE.events(change, 1_700_000_000_999L, new Lsn(id), List.of()).get(0);
    }

    /** Acknowledges every send at once, as a broker does long before the transaction commits. */
    private static final class AcknowledgingTransactions implements TransactionalSink {
        private final List<ChangeEvent> open = new ArrayList<>();
        private int commits;

        @Override
        public void send(ChangeEvent event, DeliveryCallback callback) {
            open.add(event);
            callback.completed(null);
        }

        @Override
        public void commit(Position position) {
            open.clear();
            commits++;
        }

        @Override
        public void abort() {
            open.clear();
        }

        @Override
        public long uncommitted() {
            return open.size();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
