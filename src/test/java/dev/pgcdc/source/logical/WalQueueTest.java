package dev.pgcdc.source.logical;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WalQueueTest {

    private static WalQueue.Received item(int bytes, long lsn) {
        return new WalQueue.Received(ByteBuffer.allocate(bytes), new Lsn(lsn));
    }

    private static CompletableFuture<WalQueue.Received> waitingPoll(WalQueue queue) throws InterruptedException {
        Thread[] poller = new Thread[1];
        CompletableFuture<WalQueue.Received> polled = new CompletableFuture<>();
        poller[0] = new Thread(() -> {
            try {
                polled.complete(queue.poll(60, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                polled.completeExceptionally(e);
            }
        });
        poller[0].start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (poller[0].getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(poller[0].getState()).isEqualTo(Thread.State.TIMED_WAITING);
        return polled;
    }

    @Test
    void aWaitingPipelineSleepsThroughATransactionUntilItsCommit() throws Exception {
        WalQueue queue = new WalQueue(1024 * 1024);
        CompletableFuture<WalQueue.Received> polled = waitingPoll(queue);
        queue.offer(item(20, 1), false, 1, TimeUnit.SECONDS); // begin
        queue.offer(item(300, 2), false, 1, TimeUnit.SECONDS); // a change
        // Absence can only be observed over some time: woken, the poller would have returned the begin at once.
        Thread.sleep(300);
        assertThat(polled).isNotDone();

        queue.offer(item(30, 3), true, 1, TimeUnit.SECONDS); // the commit
        assertThat(polled.get(30, TimeUnit.SECONDS).lsn()).isEqualTo(new Lsn(1));
    }

    @Test
    void aLongTransactionWakesThePipelineEveryFewKilobytes() throws Exception {
        WalQueue queue = new WalQueue(1024 * 1024);
        CompletableFuture<WalQueue.Received> polled = waitingPoll(queue);
        for (long lsn = 1; !polled.isDone(); lsn++) {
            assertThat(lsn * 1000).as("bytes offered before the pipeline woke").isLessThanOrEqualTo(WalQueue.WAKE_BYTES + 1000);
            queue.offer(item(1000, lsn), false, 1, TimeUnit.SECONDS);
            if (lsn * 1000 >= WalQueue.WAKE_BYTES) {
                assertThat(polled.get(30, TimeUnit.SECONDS).lsn()).isEqualTo(new Lsn(1));
            }
        }
    }

    @Test
    void aQueueFullBeforeAnyCommitWakesThePipelineBeforeTheReaderWaitsForRoom() throws Exception {
        WalQueue queue = new WalQueue(2000);
        CompletableFuture<WalQueue.Received> polled = waitingPoll(queue);
        queue.offer(item(1500, 1), false, 1, TimeUnit.SECONDS);
        assertThat(queue.offer(item(1500, 2), false, 10, TimeUnit.SECONDS)).isTrue();
        assertThat(polled.get(30, TimeUnit.SECONDS).lsn()).isEqualTo(new Lsn(1));
    }

    @Test
    void aReaderWaitingForRoomSleepsUntilHalfTheBoundIsFree() throws Exception {
        WalQueue queue = new WalQueue(10_000);
        for (long lsn = 1; lsn <= 10; lsn++) {
            queue.offer(item(1000, lsn), false, 1, TimeUnit.SECONDS);
        }
        CompletableFuture<Boolean> offered = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                offered.complete(queue.offer(item(1000, 11), false, 60, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                offered.completeExceptionally(e);
            }
        });
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (reader.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(reader.getState()).isEqualTo(Thread.State.TIMED_WAITING);

        queue.poll(0, TimeUnit.SECONDS);
        // Absence can only be observed over some time: woken, the reader would have added its message at once.
        Thread.sleep(300);
        assertThat(offered).isNotDone();

        for (int taken = 2; taken <= 5; taken++) {
            queue.poll(0, TimeUnit.SECONDS);
        }
        assertThat(offered.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(queue.bytes()).isEqualTo(6_000);
    }
}
