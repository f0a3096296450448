package dev.pgcdc.source.logical;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Position;
import dev.pgcdc.source.Source;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Hands a source's changes to the pipeline one per poll, so a test can stop it between any two of them. */
final class OneChangePerPoll implements Source {

    private final Source delegate;
    private final Deque<ChangeEvent> pending = new ArrayDeque<>();
    private boolean lastHandedWithoutPosition;

    OneChangePerPoll(Source delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<ChangeEvent> poll(Duration timeout) throws InterruptedException {
        if (pending.isEmpty()) {
            pending.addAll(delegate.poll(timeout));
        }
        ChangeEvent next = pending.poll();
        if (next == null) {
            return List.of();
        }
        lastHandedWithoutPosition = next.position() == null;
        return List.of(next);
    }

    @Override
    public boolean midTransaction() {
        return pending.isEmpty() ? delegate.midTransaction() : lastHandedWithoutPosition;
    }

    /** The delegate's position comes after all its changes of that poll, so only once they are handed over. */
    @Override
    public Position takePositionWithoutEvents() {
        return pending.isEmpty() ? delegate.takePositionWithoutEvents() : null;
    }

    @Override
    public void commit(Position position) {
        delegate.commit(position);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
