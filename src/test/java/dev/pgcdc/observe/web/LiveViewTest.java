package dev.pgcdc.observe.web;

import dev.pgcdc.error.CdcException;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.pgcdc.testing.Conditions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The page's HTTP side on a real server: the static files, the event stream, and what a closed page leaves behind. */
class LiveViewTest {

    private static final Duration QUICK_HEARTBEAT = Duration.ofMillis(100);

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesThePageItsScriptsAndNothingElse() throws Exception {
        try (LiveView view = LiveView.serve(0, new LiveFeed(), "consume <app>", QUICK_HEARTBEAT)) {
            HttpResponse<String> page = get(view, "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("consume &lt;app&gt;", "uPlot.iife.min.js");
            assertThat(get(view, "/live/uPlot.iife.min.js").body()).contains("uPlot");
            assertThat(get(view, "/live/live.js").statusCode()).isEqualTo(200);
            assertThat(get(view, "/live/../pom.xml").statusCode()).isEqualTo(404);
            assertThat(get(view, "/elsewhere").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aPageGetsRecentChangesThenNewOnesAsEvents() throws Exception {
        LiveFeed feed = new LiveFeed();
        feed.seen("t", "{\"id\":1}", "{\"before\":null,\"after\":{\"id\":1},\"source\":{\"schema\":\"public\",\"table\":\"early\"},\"op\":\"c\"}",
                -1, 10);
        try (LiveView view = LiveView.serve(0, feed, "test", QUICK_HEARTBEAT);
             Socket socket = openEvents(view)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(readUntil(in, "event: hello")).contains("text/event-stream");
            assertThat(readUntil(in, "public.early")).contains("event: change");
            feed.seen("t", "{\"id\":2}", "{\"before\":null,\"after\":{\"id\":2},\"source\":{\"schema\":\"public\",\"table\":\"late\"},\"op\":\"c\"}",
                    -1, 20);
            assertThat(readUntil(in, "public.late")).contains("event: change");
            assertThat(readUntil(in, "event: point")).isNotEmpty();
            assertThat(readUntil(in, ": heartbeat")).isNotEmpty();
        }
    }

    @Test
    void aClosedPageLeavesNoThreadBehind() throws Exception {
        try (LiveView view = LiveView.serve(0, new LiveFeed(), "test", QUICK_HEARTBEAT)) {
            for (int page = 0; page < 3; page++) {
                try (Socket socket = openEvents(view)) {
                    readUntil(new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)), "event: hello");
                }
            }
            await("every closed page's thread ended", () -> view.pages() == 0 && pageThreads() == 0, Duration.ofSeconds(5));
        }
    }

    @Test
    void closingTheViewEndsItsPages() throws Exception {
        LiveView view = LiveView.serve(0, new LiveFeed(), "test", Duration.ofMinutes(1));
        try (Socket socket = openEvents(view)) {
            readUntil(new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)), "event: hello");
            view.close();
            await("the page's thread ended with the view", () -> pageThreads() == 0, Duration.ofSeconds(5));
        }
    }

    @Test
    void aPortInUseIsAOneLineErrorNamingTheOption() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            assertThatThrownBy(() -> LiveView.serve(taken.getLocalPort(), new LiveFeed(), "test"))
                    .isInstanceOf(CdcException.class).hasMessageContaining("port " + taken.getLocalPort())
                    .hasMessageEndingWith("pick a free port with --web");
        }
    }

    private static long pageThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("pgcdc-live-page-")).count();
    }

    private HttpResponse<String> get(LiveView view, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + view.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Socket openEvents(LiveView view) throws IOException {
        Socket socket = new Socket("127.0.0.1", view.port());
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write("GET /live/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Everything read up to and including the first line containing {@code marker}; fails on the socket's timeout. */
    private static String readUntil(BufferedReader in, String marker) throws IOException {
        StringBuilder read = new StringBuilder();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            read.append(line).append('\n');
            if (line.contains(marker)) {
                return read.toString();
            }
        }
        throw new AssertionError("stream ended before " + marker + ": " + read);
    }
}
