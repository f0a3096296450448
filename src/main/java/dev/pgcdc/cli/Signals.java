package dev.pgcdc.cli;

import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM as a request to stop: the handler drains and the command returns normally,
 * so the process exits 0 after a clean stop instead of 130/143 from a shutdown hook.
 */
final class Signals {

    private Signals() {
    }

    /** Runs {@code stop} on its own thread when SIGINT or SIGTERM arrives. */
    static void onStopRequest(Runnable stop) {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), signal -> new Thread(stop, "pgcdc-stop").start());
        }
    }
}
