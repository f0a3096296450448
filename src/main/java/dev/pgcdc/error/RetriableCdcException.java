package dev.pgcdc.error;

/** A transient failure (a dropped connection, a server restarting): retrying with backoff may succeed. */
public class RetriableCdcException extends CdcException {

    public RetriableCdcException(String message, Throwable cause) {
        super(Kind.UNAVAILABLE, message, cause);
    }
}
