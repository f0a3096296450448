package dev.pgcdc.error;

/**
 * The one unchecked root of pgcdc's failures. Its message is written for the user: one line that says
 * what is wrong and how to fix it, never a credential.
 */
public class CdcException extends RuntimeException {

    /** What kind of failure this is; the CLI maps each kind to its exit code. */
    public enum Kind {
        /** A setting is missing, malformed or rejected (bad URL, wrong password, unknown table). */
        CONFIGURATION,
        /** A service (PostgreSQL, Kafka) cannot be reached. */
        UNAVAILABLE,
        /** Kafka refused or never acknowledged a change. */
        DELIVERY,
        /** Anything else: a bug or an unexpected server answer. */
        INTERNAL
    }

    private final Kind kind;

    public CdcException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public CdcException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
