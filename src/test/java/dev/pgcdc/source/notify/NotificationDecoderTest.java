package dev.pgcdc.source.notify;

import dev.pgcdc.config.NotifyCaptureConfig;
import dev.pgcdc.event.ChangeEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationDecoderTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-24T10:15:30.123Z");
    private final NotificationDecoder decoder =
            new NotificationDecoder(new NotifyCaptureConfig(List.of("sales_channel"), null, null));

    @Test
    void publishesPayloadExactlyAsSentWithIdKey() {
        String payload = "{\"id\":42,\"customer_name\":\"Ana\",\"amount\":10.50,\"sales_date\":\"2026-11-24T10:15:30.1\"}";
        ChangeEvent event = decoder.decode("sales_channel", 1234, payload, RECEIVED);

        assertThat(event.topic()).isEqualTo("sales_channel");
        assertThat(event.value()).isSameAs(payload);
        assertThat(event.key()).isEqualTo("{\"id\":42}");
        assertThat(event.header("pgcdc.channel")).isEqualTo("sales_channel");
        assertThat(event.header("pgcdc.pid")).isEqualTo("1234");
        assertThat(event.header("pgcdc.received_at")).isEqualTo("2026-11-24T10:15:30.123Z");
        assertThat(event.header("pgcdc.error")).isNull();
    }

    @Test
    void keyKeepsExactNumbersAndStrings() {
        assertThat(decoder.decode("sales_channel", 1, "{\"id\":12345678901234567890.10}", RECEIVED).key())
                .isEqualTo("{\"id\":12345678901234567890.10}");
        assertThat(decoder.decode("sales_channel", 1, "{\"id\":\"a-\\\"b\"}", RECEIVED).key())
                .isEqualTo("{\"id\":\"a-\\\"b\"}");
    }

    @Test
    void chosenKeyFieldBecomesTheKey() {
        NotificationDecoder byOrder = new NotificationDecoder(new NotifyCaptureConfig(List.of("orders"), "all", "order_id"));
        ChangeEvent event = byOrder.decode("orders", 1, "{\"id\":1,\"order_id\":77}", RECEIVED);
        assertThat(event.key()).isEqualTo("{\"order_id\":77}");
        assertThat(event.topic()).isEqualTo("all");
    }

    @Test
    void jsonWithoutKeyFieldHasNoKey() {
        assertThat(decoder.decode("sales_channel", 1, "{\"name\":\"x\"}", RECEIVED).key()).isNull();
        assertThat(decoder.decode("sales_channel", 1, "[1,2,3]", RECEIVED).key()).isNull();
        assertThat(decoder.decode("sales_channel", 1, "17", RECEIVED).topic()).isEqualTo("sales_channel");
    }

    @Test
    void timestamptzWrittenInTheWritersZoneIsPublishedInUtcWithZ() {
        String payload = "{\"id\":1,\"paid_at\":\"2024-02-29T13:14:15.5+02:00\",\"amount\":10.50}";
        ChangeEvent event = decoder.decode("sales_channel", 1234, payload, RECEIVED);

        assertThat(event.value()).isEqualTo("{\"id\":1,\"paid_at\":\"2024-02-29T11:14:15.5Z\",\"amount\":10.50}");
    }

    @Test
    void payloadThatIsNotJsonGoesToDeadLetterTopicWithReason() {
        ChangeEvent event = decoder.decode("sales_channel", 9, "not {json", RECEIVED);
        assertThat(event.topic()).isEqualTo("sales_channel.dlq");
        assertThat(event.value()).isEqualTo("not {json");
        assertThat(event.key()).isNull();
        assertThat(event.header("pgcdc.error")).startsWith("payload is not valid JSON: ");
        assertThat(event.header("pgcdc.channel")).isEqualTo("sales_channel");
    }

    @Test
    void emptyAndTrailingGarbagePayloadsAreDeadLetters() {
        assertThat(decoder.decode("sales_channel", 1, "", RECEIVED).topic()).isEqualTo("sales_channel.dlq");
        assertThat(decoder.decode("sales_channel", 1, "{\"id\":1} extra", RECEIVED).topic()).isEqualTo("sales_channel.dlq");
    }
}
