package dev.pgcdc.observe.web;

import java.nio.charset.StandardCharsets;

/**
 * Server-sent events as the HTML standard frames them: {@code event:} names the kind, each line of the data
 * gets its own {@code data:} line (a bare newline would end the field), a blank line ends the event. A line
 * starting with {@code :} is a comment, which browsers ignore: the heartbeat that finds closed connections.
 */
final class SseFrame {

    static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

    private SseFrame() {
    }

    static byte[] encode(String event, String data) {
        StringBuilder frame = new StringBuilder(data.length() + event.length() + 16).append("event: ").append(event).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            frame.append("data: ").append(line).append('\n');
        }
        return frame.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }
}
