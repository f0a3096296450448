package dev.pgcdc.consume;

import dev.pgcdc.observe.EnvelopeFacts;
import dev.pgcdc.observe.web.LiveFeed;
import dev.pgcdc.observe.web.LiveView;

/**
 * {@code consume --web PORT}: the live page, fed with each change {@code consume} shows. Lag is measured
 * here, at the reader: the time from the change's commit ({@code source.ts_ms}) to the moment it was read.
 */
public final class WebView implements AutoCloseable {

    private final LiveFeed feed = new LiveFeed();
    private final LiveView view;

    private WebView(int port, String topic) {
        this.view = LiveView.serve(port, feed, "consume " + topic);
    }

    public static WebView serve(int port, String topic) {
        return new WebView(port, topic);
    }

    public void show(ConsumedChange change) {
        feed.seen(change.topic(), change.key(), change.value(), EnvelopeFacts.of(change.topic(), change.value()).commitMillis(),
                System.currentTimeMillis());
    }

    public int port() {
        return view.port();
    }

    @Override
    public void close() {
        view.close();
    }
}
