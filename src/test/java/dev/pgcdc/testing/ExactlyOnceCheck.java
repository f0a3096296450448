package dev.pgcdc.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.consume.ConsumedChange;
import dev.pgcdc.event.Json;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a read_committed consumer of one single-partition topic saw, checked change by change: each change's
 * identity is its transaction id with its own position (and operation, for a key change sent as delete and
 * create), so a second copy is a duplicate; and each PostgreSQL transaction's events must come as one run.
 *
 * @param events             change events read (tombstones left out)
 * @param duplicates         events whose identity was seen before
 * @param splitTransactions  transaction ids whose events came in more than one run, with something between
 */
public record ExactlyOnceCheck(int events, int duplicates, List<String> splitTransactions) {

    public static ExactlyOnceCheck of(List<ConsumedChange> records) {
        Set<String> seen = new HashSet<>();
        Set<String> finishedTransactions = new HashSet<>();
        List<String> split = new ArrayList<>();
        String currentTransaction = null;
        int events = 0;
        int duplicates = 0;
        for (ConsumedChange record : records) {
            if (record.value() == null) {
                continue;
            }
            events++;
            JsonNode event = Json.parse(record.value());
            JsonNode source = event.get("source");
            String transaction = source.get("txId").asText();
            String position = source.has("lsn") ? source.get("lsn").asText() : source.get("sequence").asText();
            if (!seen.add(transaction + "/" + position + "/" + event.get("op").asText() + "/" + record.key())) {
                duplicates++;
            }
            if (!transaction.equals(currentTransaction)) {
                if (currentTransaction != null) {
                    finishedTransactions.add(currentTransaction);
                }
                if (finishedTransactions.contains(transaction)) {
                    split.add(transaction);
                }
                currentTransaction = transaction;
            }
        }
        return new ExactlyOnceCheck(events, duplicates, split);
    }
}
