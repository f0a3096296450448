package dev.pgcdc.pipeline;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Position;
import dev.pgcdc.sink.Sink;
import dev.pgcdc.source.Source;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CapturePipelineTest {

    private record Offset(long value) implements Position {
    }

    /** Hands out one change, then has nothing more; remembers what it was confirmed. */
    private static final class OneChangeSource implements Source {
        private final CountDownLatch closed = new CountDownLatch(1);
        private final CountDownLatch confirmed = new CountDownLatch(1);
        private ChangeEvent change;
        private volatile Position committed;

        OneChangeSource(ChangeEvent change) {
            this.change = change;
        }

        @Override
        public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
            if (change != null) {
                List<ChangeEvent> first = List.of(change);
                change = null;
                return first;
            }
            closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS); // an idle source waits out its timeout
            return List.of();
        }

        @Override
        public void commit(Position position) {
            committed = position;
            confirmed.countDown();
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    /** Keeps every send's callback without answering, as Kafka does until it acknowledges. */
    private static final class UnansweredSink implements Sink {
        final Queue<DeliveryCallback> pending = new ConcurrentLinkedQueue<>();
        final CountDownLatch sent = new CountDownLatch(1);

        @Override
        public void send(ChangeEvent event, DeliveryCallback callback) {
            pending.add(callback);
            sent.countDown();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aChangeAwaitingItsAcknowledgementDoesNotKeepItsValueAlive() throws Exception {
        UnansweredSink sink = new UnansweredSink();
        OneChangeSource source = new OneChangeSource(changeWithFreshValue());
        WeakReference<String> value = new WeakReference<>(source.change.value());
        try (Capture capture = Capture.start(source, sink)) {
            assertThat(sink.sent.await(10, TimeUnit.SECONDS)).as("the change reached the sink").isTrue();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (value.get() != null && System.nanoTime() < deadline) {
                System.gc();
            }

            assertThat(value.get()).as("a backlog's values must be garbage once the producer has copied them, not live until "
                    + "Kafka acknowledges them").isNull();
            sink.pending.forEach(callback -> callback.completed(null));
            assertThat(source.confirmed.await(10, TimeUnit.SECONDS)).as("the acknowledged change is confirmed").isTrue();
            assertThat(source.committed).as("the acknowledged change is still confirmed").isEqualTo(new Offset(1));
        }
    }

    private static ChangeEvent changeWithFreshValue() {
        return new ChangeEvent("t", "{\"id\":1}", new String("{\"after\":{\"id\":1}}".toCharArray()), List.of(), new Offset(1));
    }
}
