package dev.pgcdc.observe.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live page: {@code /} serves a static page that opens {@code /live/events}, a server-sent-event stream
 * of the newest changes ({@code change}), one throughput-and-lag point a second ({@code point}) and a
 * heartbeat. One thread reads the {@link LiveFeed} five times a second and hands frames to each page's
 * {@link LiveClient}; nothing here ever waits on the pipeline or lets the pipeline wait on a page.
 */
public final class LiveView implements AutoCloseable {

    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    static final int MAX_PAGES = 16;
    private static final long TICK_MILLIS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(LiveView.class);
    private static final String RESOURCES = "/dev/pgcdc/observe/web/";
    private static final Map<String, String> ASSETS = Map.of(
            "live.js", "text/javascript; charset=utf-8",
            "live.css", "text/css; charset=utf-8",
            "uPlot.iife.min.js", "text/javascript; charset=utf-8",
            "uPlot.min.css", "text/css; charset=utf-8");

    private final LiveFeed feed;
    private final String title;
    private final long heartbeatMillis;
    private final HttpServer ownServer;
    private final Set<LiveClient> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger pageNumber = new AtomicInteger();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pgcdc-live");
        thread.setDaemon(true);
        return thread;
    });
    private long mark;
    private long lastPointMillis;
    private long lastHeartbeatMillis;

    private LiveView(LiveFeed feed, String title, Duration heartbeat, HttpServer ownServer) {
        this.feed = feed;
        this.title = title;
        this.heartbeatMillis = heartbeat.toMillis();
        this.ownServer = ownServer;
        this.mark = feed.recent().mark();
        this.lastPointMillis = this.lastHeartbeatMillis = System.currentTimeMillis();
    }

    /** Adds the page to a server that serves other things too (the capture's metrics port). */
    public static LiveView mount(HttpServer server, LiveFeed feed, String title) {
        return mount(server, feed, title, HEARTBEAT, null);
    }

    /** Serves the page on its own port ({@code consume --web PORT}); closing the view stops it. */
    public static LiveView serve(int port, LiveFeed feed, String title) {
        return serve(port, feed, title, HEARTBEAT);
    }

    static LiveView serve(int port, LiveFeed feed, String title, Duration heartbeat) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "cannot serve the live view on port " + port + " ("
                    + e.getMessage() + "): pick a free port with --web");
        }
        server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "pgcdc-web");
            thread.setDaemon(true);
            return thread;
        }));
        LiveView view = mount(server, feed, title, heartbeat, server);
        server.start();
        return view;
    }

    private static LiveView mount(HttpServer server, LiveFeed feed, String title, Duration heartbeat, HttpServer ownServer) {
        LiveView view = new LiveView(feed, title, heartbeat, ownServer);
        server.createContext("/", view::page);
        server.createContext("/live/", view::asset);
        server.createContext("/live/events", view::events);
        view.ticker.scheduleWithFixedDelay(view::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return view;
    }

    /** The port of the view's own server ({@link #serve}). */
    public int port() {
        return ownServer.getAddress().getPort();
    }

    /** Pages connected now. */
    int pages() {
        return clients.size();
    }

    private void page(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!path.equals("/") && !path.equals("/index.html")) {
            respond(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String html = new String(resource("live.html"), StandardCharsets.UTF_8).replace("{{title}}", escapeHtml(title));
        respond(exchange, 200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    private void asset(HttpExchange exchange) throws IOException {
        String name = exchange.getRequestURI().getPath().substring("/live/".length());
        String type = ASSETS.get(name);
        if (type == null) {
            respond(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        respond(exchange, 200, type, resource(name));
    }

    private void events(HttpExchange exchange) throws IOException {
        if (clients.size() >= MAX_PAGES) {
            respond(exchange, 503, "text/plain; charset=utf-8",
                    ("at most " + MAX_PAGES + " pages at once\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        LiveClient client = new LiveClient(exchange, "pgcdc-live-page-" + pageNumber.incrementAndGet(), clients::remove);
        client.offer(SseFrame.encode("hello", welcome()));
        synchronized (this) {
            // Under the tick's lock, so the page gets every change after those it is given here exactly once.
            for (Seen seen : feed.recent().between(0, mark)) {
                client.offer(SseFrame.encode("change", LiveChange.of(seen).toJson()));
            }
            clients.add(client);
        }
        client.start();
    }

    private String welcome() {
        ObjectNode hello = Json.mapper().createObjectNode().put("title", title);
        ArrayNode points = hello.putArray("points");
        for (ThroughputWindow.Point point : feed.window().points()) {
            points.add(pointJson(point));
        }
        return Json.write(hello);
    }

    private synchronized void tick() {
        try {
            List<byte[]> frames = new ArrayList<>();
            long end = feed.recent().mark();
            // At most the ring's size parsed per tick, whatever the rate, and nothing while no page is open.
            if (!clients.isEmpty()) {
                for (Seen seen : feed.recent().between(mark, end)) {
                    frames.add(SseFrame.encode("change", LiveChange.of(seen).toJson()));
                }
            }
            mark = end;
            long now = System.currentTimeMillis();
            if (now - lastPointMillis >= 1000) {
                frames.add(SseFrame.encode("point", Json.write(pointJson(feed.window().close(now)))));
                lastPointMillis = now;
            }
            if (now - lastHeartbeatMillis >= heartbeatMillis) {
                frames.add(SseFrame.HEARTBEAT);
                lastHeartbeatMillis = now;
            }
            for (LiveClient client : clients) {
                for (byte[] frame : frames) {
                    client.offer(frame);
                }
            }
        } catch (RuntimeException e) {
            // A bad frame must not end the schedule: the page would freeze with no sign of why.
            LOG.warn("live view: {}", e.toString(), e);
        }
    }

    private static ObjectNode pointJson(ThroughputWindow.Point point) {
        ObjectNode json = Json.mapper().createObjectNode().put("t", point.endMillis()).put("rate", point.perSecond());
        if (point.lagMillis() >= 0) {
            json.put("lag", point.lagMillis());
        } else {
            json.putNull("lag");
        }
        return json;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = LiveView.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return in.readAllBytes();
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (LiveClient client : clients) {
            client.close();
        }
        if (ownServer != null) {
            ownServer.stop(0);
        }
    }
}
