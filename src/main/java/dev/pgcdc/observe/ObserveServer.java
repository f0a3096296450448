package dev.pgcdc.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.observe.web.LiveFeed;
import dev.pgcdc.observe.web.LiveView;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The capture's HTTP port: {@code /metrics} (Prometheus text), {@code /health/live} (the capture runs) and
 * {@code /health/ready} (connected to PostgreSQL and Kafka and streaming), each 200 when true and 503 when not,
 * with a small JSON body naming what is missing; and {@code /}, the live view of the changes flowing through.
 */
public final class ObserveServer implements AutoCloseable {

    private final HttpServer server;
    private final LiveView live;

    private ObserveServer(HttpServer server, LiveView live) {
        this.server = server;
        this.live = live;
    }

    /**
     * @param notReady what keeps capture from being ready, empty when it is
     */
    public static ObserveServer start(int port, CaptureMetrics metrics, LiveFeed changes, String title, BooleanSupplier live,
                                      Supplier<List<String>> notReady) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "cannot serve metrics on port " + port + " (" + e.getMessage()
                    + "): pick a free port with --metrics-port");
        }
        server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pgcdc-http");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
        server.createContext("/health/live", exchange -> health(exchange, live.getAsBoolean() ? List.of() : List.of("capture stopped")));
        server.createContext("/health/ready", exchange -> health(exchange, notReady.get()));
        LiveView view = LiveView.mount(server, changes, title);
        server.start();
        return new ObserveServer(server, view);
    }

    /** The port it listens on (the one chosen when started with 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange exchange, List<String> missing) throws IOException {
        StringBuilder body = new StringBuilder("{\"status\":\"").append(missing.isEmpty() ? "UP" : "DOWN").append('"');
        if (!missing.isEmpty()) {
            body.append(",\"reasons\":[");
            for (int i = 0; i < missing.size(); i++) {
                body.append(i == 0 ? "\"" : ",\"").append(missing.get(i)).append('"');
            }
            body.append(']');
        }
        respond(exchange, missing.isEmpty() ? 200 : 503, "application/json", body.append('}').toString());
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        live.close();
        server.stop(0);
    }
}
