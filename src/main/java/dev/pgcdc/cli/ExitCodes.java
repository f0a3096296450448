package dev.pgcdc.cli;

import dev.pgcdc.error.CdcException;

/** Every exit code pgcdc returns, in one place (also listed in the README). */
final class ExitCodes {

    static final int OK = 0;
    /** An unexpected failure: a bug, or a server answer pgcdc does not know. */
    static final int INTERNAL = 1;
    /** The command line is wrong: unknown option, missing or malformed value. */
    static final int USAGE = 2;
    /** A setting is rejected: bad URL, wrong password, missing table or privilege. */
    static final int CONFIGURATION = 3;
    /** PostgreSQL or Kafka cannot be reached. */
    static final int UNAVAILABLE = 4;
    /** Kafka failed to take a change; capture stopped without confirming it. */
    static final int DELIVERY = 5;
    /** {@code status}: something needs attention (an idle slot holding too much WAL, keyless tables, an undrained journal). */
    static final int ATTENTION = 6;

    private ExitCodes() {
    }

    static int of(CdcException.Kind kind) {
        return switch (kind) {
            case CONFIGURATION -> CONFIGURATION;
            case UNAVAILABLE -> UNAVAILABLE;
            case DELIVERY -> DELIVERY;
            case INTERNAL -> INTERNAL;
        };
    }
}
