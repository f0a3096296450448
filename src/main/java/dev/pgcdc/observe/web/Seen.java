package dev.pgcdc.observe.web;

/**
 * A change as the pipeline hands it to the live view, unparsed: reading it is left to the view's own thread.
 *
 * @param value        the envelope text, or null for a tombstone
 * @param commitMillis its commit time ({@code source.ts_ms}), or -1 when unknown
 * @param seenMillis   when it was acknowledged by Kafka (capture) or read (consume)
 */
record Seen(String topic, String key, String value, long commitMillis, long seenMillis) {
}
