package dev.pgcdc.pipeline;

import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Position;
import dev.pgcdc.sink.Sink;
import dev.pgcdc.source.Source;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CaptureTest {

    /** A source whose capture thread runs out of memory on its first read. */
    private static final class ExhaustedSource implements Source {
        boolean closed;

        @Override
        public List<ChangeEvent> poll(Duration timeout) {
            throw new OutOfMemoryError("Java heap space");
        }

        @Override
        public void commit(Position position) {
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Accepts everything at once. */
    private static final class ImmediateSink implements Sink {
        @Override
        public void send(ChangeEvent event, DeliveryCallback callback) {
            callback.completed(null);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void anErrorInTheCaptureThreadIsAFailureNotACleanStop() {
        ExhaustedSource source = new ExhaustedSource();
        Capture capture = Capture.start(source, new ImmediateSink());

        CdcException failure = catchThrowableOfType(CdcException.class, capture::await);

        assertThat(failure).as("await() must report the error, so the CLI exits non-zero").isNotNull();
        assertThat(failure.kind()).isEqualTo(CdcException.Kind.INTERNAL);
        assertThat(failure.getMessage()).contains("OutOfMemoryError").contains("-Xmx");
        assertThat(source.closed).isTrue();
    }
}
