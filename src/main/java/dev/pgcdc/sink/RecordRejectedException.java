package dev.pgcdc.sink;

/**
 * The sink refused one record for good (too large, invalid): sending it again cannot succeed, while the
 * records around it are fine. Given to a {@link Sink.DeliveryCallback}; the pipeline applies the bad-record
 * policy to it instead of stopping outright.
 */
public class RecordRejectedException extends Exception {

    public RecordRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
