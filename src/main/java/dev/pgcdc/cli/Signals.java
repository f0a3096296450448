package dev.pgcdc.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ctrl-C (SIGINT) and SIGTERM as a request to stop: the handler drains and the command returns normally,
 * so the process exits 0 after a clean stop instead of 130/143 from a shutdown hook.
 */
final class Signals implements AutoCloseable {

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private Signals() {
    }

    /** Runs {@code stop} on its own thread when SIGINT or SIGTERM arrives, until the returned value is closed. */
    static Signals onStopRequest(Runnable stop) {
        Signals signals = new Signals();
        for (String name : new String[] {"INT", "TERM"}) {
            Signal signal = new Signal(name);
            signals.previous.put(signal, Signal.handle(signal, received -> new Thread(stop, "pgcdc-stop").start()));
        }
        return signals;
    }

    /** Puts the previous handlers back. */
    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
