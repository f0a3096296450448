package dev.pgcdc.cli;

/** The capture modes the CLI offers. */
enum CaptureMode {
    /** The tutorial's LISTEN/NOTIFY: payloads as sent, nothing stored. */
    notify,
    /** A durable journal written by triggers: every change, nothing lost while capture is down. */
    trigger,
    /** Logical replication with pgoutput: a slot and a publication, nothing added to the writers' work. */
    logical
}
