package dev.pgcdc.snapshot;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Position;
import dev.pgcdc.source.Source;

import java.time.Duration;
import java.util.List;

/** {@code --snapshot initial_only} when no snapshot is due: nothing to do, so the capture stops at once. */
final class FinishedSource implements Source {

    private final Source stream;

    FinishedSource(Source stream) {
        this.stream = stream;
    }

    @Override
    public List<ChangeEvent> poll(Duration timeout) {
        return List.of();
    }

    @Override
    public boolean finished() {
        return true;
    }

    @Override
    public void commit(Position position) {
        stream.commit(position);
    }

    @Override
    public void close() {
        stream.close();
    }
}
