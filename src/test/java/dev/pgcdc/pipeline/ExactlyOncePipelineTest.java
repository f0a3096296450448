package dev.pgcdc.pipeline;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Position;
import dev.pgcdc.sink.TransactionalSink;
import dev.pgcdc.source.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.pgcdc.testing.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;

/** When {@link ExactlyOncePipeline} commits, with a source and a transactional sink held in memory. */
class ExactlyOncePipelineTest {

    private record At(long value) implements Position {
    }

    /** Hands over what the test offers, one batch per poll; an empty poll waits out its timeout like a real one. */
    private static final class OfferedSource implements Source {
        final BlockingQueue<List<ChangeEvent>> batches = new LinkedBlockingQueue<>();
        final AtomicLong emptyPolls = new AtomicLong();
        final List<Position> confirmed = new CopyOnWriteArrayList<>();

        @Override
        public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
            List<ChangeEvent> batch = batches.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (batch == null) {
                emptyPolls.incrementAndGet();
                return List.of();
            }
            return batch;
        }

        @Override
        public void commit(Position position) {
            confirmed.add(position);
        }

        @Override
        public void close() {
        }
    }

    /** Never idle: every poll hands over one more whole transaction. */
    private static final class BusySource implements Source {
        private long next;

        @Override
        public List<ChangeEvent> poll(Duration timeout) {
            return List.of(change(new At(++next)));
        }

        @Override
        public void commit(Position position) {
        }

        @Override
        public void close() {
        }
    }

    /** Like a journal read in batches under a steady load: every poll brings one more whole transaction and ends a batch. */
    private static final class BatchReadingSource implements Source {
        private long next;

        @Override
        public List<ChangeEvent> poll(Duration timeout) {
            return List.of(change(new At(++next)));
        }

        @Override
        public boolean caughtUp() {
            return true;
        }

        @Override
        public void commit(Position position) {
        }

        @Override
        public void close() {
        }
    }

    /** Acknowledges each send at once; a commit stores its position with the number of changes it held. */
    private static final class RecordingSink implements TransactionalSink {
        final List<Position> commits = new CopyOnWriteArrayList<>();
        final List<Long> committedChanges = new CopyOnWriteArrayList<>();
        private long uncommitted;

        @Override
        public void send(ChangeEvent event, DeliveryCallback callback) {
            uncommitted++;
            callback.completed(null);
        }

        @Override
        public void commit(Position position) {
            committedChanges.add(uncommitted);
            commits.add(position);
            uncommitted = 0;
        }

        @Override
        public void abort() {
            uncommitted = 0;
        }

        @Override
        public long uncommitted() {
            return uncommitted;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private final RecordingSink sink = new RecordingSink();
    private ExactlyOncePipeline pipeline;
    private Thread running;

    @AfterEach
    void stop() throws InterruptedException {
        if (pipeline != null) {
            pipeline.stop();
            running.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    @Test
    void anIdleSourcesLastTransactionIsCommittedWithoutWaitingOutTheInterval() throws InterruptedException {
        OfferedSource source = new OfferedSource();
        start(source, Duration.ofHours(1));

        source.batches.add(List.of(change(null), change(new At(1))));

        await("the transaction committed, an hour before the interval ends", () -> sink.commits.contains(new At(1)),
                Duration.ofSeconds(30));
        assertThat(sink.committedChanges).containsExactly(2L);
        await("the position confirmed to the source after the commit", () -> source.confirmed.contains(new At(1)),
                Duration.ofSeconds(30));
    }

    @Test
    void aSourceTransactionHalfSentWhenTheSourceGoesQuietStaysOpenUntilItsEnd() throws InterruptedException {
        OfferedSource source = new OfferedSource();
        start(source, Duration.ofHours(1));

        source.batches.add(List.of(change(new At(1)), change(null)));
        long polled = source.emptyPolls.get();
        // Two empty polls after it: the loop that saw the first one has finished, with whatever it committed.
        await("the source polled quiet twice", () -> source.emptyPolls.get() >= polled + 2, Duration.ofSeconds(30));
        assertThat(sink.commits).as("the second transaction is half sent: no commit may fall after it").isEmpty();

        source.batches.add(List.of(change(new At(2))));
        await("committed once the second transaction is whole", () -> sink.commits.contains(new At(2)), Duration.ofSeconds(30));
        assertThat(sink.commits).containsExactly(new At(2));
        assertThat(sink.committedChanges).as("both source transactions in one Kafka transaction").containsExactly(3L);
    }

    @Test
    void aSourceThatIsNeverIdleIsStillCommittedEveryInterval() throws InterruptedException {
        start(new BusySource(), Duration.ofMillis(50));

        await("commits while changes keep coming", () -> sink.commits.size() >= 3, Duration.ofSeconds(30));
        // Not the first commit: on a slow machine the interval may have passed before the first change came.
        assertThat(sink.committedChanges).as("a commit groups the transactions of its interval").anyMatch(changes -> changes > 1);
    }

    @Test
    void aSourceThatHandedOverAllItHadReadIsCommittedWithoutWaitingOutTheIntervalEvenIfItFindsMore() throws InterruptedException {
        start(new BatchReadingSource(), Duration.ofHours(1));

        await("commits an hour before the interval ends, though every poll brings more", () -> sink.commits.size() >= 3,
                Duration.ofSeconds(30));
        assertThat(sink.committedChanges.get(0)).as("committed at the end of the batch it was read in").isEqualTo(1L);
    }

    private void start(Source source, Duration interval) {
        pipeline = new ExactlyOncePipeline(source, sink, sink, interval);
        running = new Thread(() -> {
            try {
                pipeline.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pipeline-under-test");
        running.start();
    }

    private static ChangeEvent change(Position position) {
        return new ChangeEvent("topic", "key", "{}", List.of(), position);
    }
}
