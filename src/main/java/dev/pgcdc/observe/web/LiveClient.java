package dev.pgcdc.observe.web;

import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One open page's event stream, written by a thread of its own so a slow browser delays only itself: the
 * view offers frames without waiting and a full queue drops them. The thread ends when a write fails (the
 * page was closed; the heartbeat finds that out within two intervals) or when the view closes.
 */
final class LiveClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveClient.class);
    private static final int QUEUE = 512;

    private final HttpExchange exchange;
    private final BlockingQueue<byte[]> frames = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private volatile boolean closed;

    LiveClient(HttpExchange exchange, String name, Consumer<LiveClient> onEnd) {
        this.exchange = exchange;
        this.thread = new Thread(() -> {
            try {
                write();
            } finally {
                closed = true;
                exchange.close();
                onEnd.accept(this);
            }
        }, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues a frame; false when the page is not keeping up and the frame was dropped. */
    boolean offer(byte[] frame) {
        return !closed && frames.offer(frame);
    }

    private void write() {
        OutputStream out = exchange.getResponseBody();
        try {
            while (!closed) {
                byte[] frame = frames.poll(200, TimeUnit.MILLISECONDS);
                if (frame != null) {
                    out.write(frame);
                    out.flush();
                }
            }
        } catch (IOException e) {
            LOG.debug("live view page {} went away: {}", exchange.getRemoteAddress(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean alive() {
        return thread.isAlive();
    }

    /** Ends the stream; the thread closes the exchange on its way out. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
