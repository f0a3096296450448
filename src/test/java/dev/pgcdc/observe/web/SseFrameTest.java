package dev.pgcdc.observe.web;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class SseFrameTest {

    @Test
    void frameNamesItsEventAndEndsWithABlankLine() {
        assertThat(new String(SseFrame.encode("change", "{\"op\":\"u\"}"), StandardCharsets.UTF_8))
                .isEqualTo("event: change\ndata: {\"op\":\"u\"}\n\n");
    }

    @Test
    void everyLineOfTheDataGetsItsOwnDataField() {
        assertThat(new String(SseFrame.encode("x", "a\nb\r\nc\rd"), StandardCharsets.UTF_8))
                .isEqualTo("event: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
    }

    @Test
    void heartbeatIsACommentBrowsersIgnore() {
        assertThat(new String(SseFrame.HEARTBEAT, StandardCharsets.UTF_8)).startsWith(":").endsWith("\n\n");
    }
}
