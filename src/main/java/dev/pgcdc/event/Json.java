package dev.pgcdc.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The JSON reader and writer every part shares. Numbers are kept exactly as written
 * ({@code 10.50} stays {@code 10.50}, 20-digit numerics keep every digit) because PostgreSQL's
 * {@code row_to_json} output is the reference encoding.
 */
public final class Json {

    // Rows hold what PostgreSQL holds: text values up to 1 GB and numerics of up to 131,072 digits. Jackson's
    // default limits (20 M characters, 1,000 digits) would stop capture on such a row, at every restart.
    private static final StreamReadConstraints POSTGRES_SIZED = StreamReadConstraints.builder()
            .maxStringLength(Integer.MAX_VALUE)
            .maxNumberLength(Integer.MAX_VALUE)
            .build();

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(POSTGRES_SIZED).build())
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** Parses JSON text; throws {@link InvalidJsonException} with the parser's reason when it is not JSON. */
    public static JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new InvalidJsonException("empty payload");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException(e.getOriginalMessage());
        }
    }

    /** Compact JSON text of a node, numbers as parsed. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The text is not JSON; the message says why, in the parser's words. */
    public static final class InvalidJsonException extends RuntimeException {
        InvalidJsonException(String reason) {
            super(reason);
        }
    }
}
