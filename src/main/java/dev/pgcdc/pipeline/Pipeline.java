package dev.pgcdc.pipeline;

/** A way of moving changes from a source to a sink on the calling thread, until stopped. */
interface Pipeline {

    /** Runs until {@link #stop()}, then drains what it can. */
    void run() throws InterruptedException;

    void stop();

    /** How many changes the sink has taken for good. */
    long delivered();
}
