package dev.pgcdc.pipeline;

import dev.pgcdc.config.BadRecordPolicy;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.sink.Sink;
import dev.pgcdc.sink.TransactionalSink;
import dev.pgcdc.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running capture: one thread moving changes from its source to its sink. Owns both and closes them
 * when it ends. {@link #close()} stops reading, waits for in-flight changes to be acknowledged and
 * confirmed, and is safe to call twice and from a shutdown hook.
 */
public final class Capture implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Capture.class);
    /** How long {@link #close()} waits for in-flight changes before interrupting the capture. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    private final Pipeline pipeline;
    private final Thread thread;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile RuntimeException failure;

    private Capture(Source source, Sink sink, Pipeline pipeline) {
        this.pipeline = pipeline;
        this.thread = new Thread(() -> runAndRelease(source, sink), "pgcdc-capture");
    }

    /** Starts moving changes from {@code source} to {@code sink} on a thread of its own. */
    public static Capture start(Source source, Sink sink) {
        return start(source, sink, BadRecordPolicy.FAIL);
    }

    /** Starts capture; a record the sink refuses for good is handled by {@code policy}. */
    public static Capture start(Source source, Sink sink, BadRecordPolicy policy) {
        return start(source, sink, new CapturePipeline(source, sink, policy));
    }

    /**
     * Starts exactly-once capture: changes go out in sink transactions committed every {@code interval} (or
     * sooner at a size bound) at whole source transactions, and positions are confirmed after each commit.
     */
    public static Capture startExactlyOnce(Source source, TransactionalSink sink, Duration interval) {
        return startExactlyOnce(source, sink, sink, interval);
    }

    /**
     * Exactly-once capture sending through {@code published}, decorators in front of {@code transactions}
     * (filters, metrics, formats); closing {@code published} must close {@code transactions}.
     */
    public static Capture startExactlyOnce(Source source, Sink published, TransactionalSink transactions, Duration interval) {
        return start(source, published, new ExactlyOncePipeline(source, published, transactions, interval));
    }

    private static Capture start(Source source, Sink sink, Pipeline pipeline) {
        Capture capture = new Capture(source, sink, pipeline);
        capture.thread.start();
        return capture;
    }

    /** Blocks until the capture ends; rethrows what ended it, if it failed. */
    public void await() throws InterruptedException {
        finished.await();
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Like {@link #await()}, for at most {@code timeout}; false when the capture still runs (its thread may be
     * stuck in I/O no interrupt ends, such as a read from a silent network).
     */
    public boolean await(Duration timeout) throws InterruptedException {
        if (!finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        if (failure != null) {
            throw failure;
        }
        return true;
    }

    /** How many changes the sink has acknowledged so far. */
    public long delivered() {
        return pipeline.delivered();
    }

    public boolean isRunning() {
        return finished.getCount() > 0;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pipeline.stop();
        try {
            if (!finished.await(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Capture did not drain within {} s; interrupting it", DRAIN_TIMEOUT.toSeconds());
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runAndRelease(Source source, Sink sink) {
        try (source; sink) {
            pipeline.run();
        } catch (CdcException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            // An Error (OutOfMemoryError above all) is a failure too: a supervisor must see a non-zero exit.
            failure = new CdcException(CdcException.Kind.INTERNAL, "capture failed unexpectedly: " + e
                    + (e instanceof OutOfMemoryError ? "; give it more heap (-Xmx)" : ""), e);
        } finally {
            finished.countDown();
        }
    }
}
