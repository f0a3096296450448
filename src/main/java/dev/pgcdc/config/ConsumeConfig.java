package dev.pgcdc.config;

import dev.pgcdc.error.CdcException;

import java.time.Duration;
import java.util.Set;

/**
 * What {@code consume} reads and when it stops.
 *
 * @param topic         the topic to read (flag {@code --topic})
 * @param fromBeginning start at the earliest offset instead of the end (flag {@code --from-beginning});
 *                      a group with committed offsets resumes from them either way
 * @param group         the consumer group (flag {@code --group}), or null for a throw-away group that
 *                      commits nothing
 * @param format        how each change is shown (flag {@code --format})
 * @param maxRecords    exit after this many records, or 0 for no limit (flag {@code --max})
 * @param idleTimeout   exit when nothing arrives for this long, or null to wait forever (flag {@code --timeout})
 * @param tables        show only changes of these tables, {@code schema.table} or {@code table}; empty for all (flag {@code --table})
 * @param ops           show only these operations ({@code c,u,d,t,r}); empty for all (flag {@code --op})
 */
public record ConsumeConfig(String topic, boolean fromBeginning, String group, Format format, long maxRecords,
                            Duration idleTimeout, Set<String> tables, Set<String> ops) {

    public enum Format { PRETTY, JSON, TABLE }

    private static final Set<String> OPERATIONS = Set.of("c", "u", "d", "t", "r");

    public ConsumeConfig(String topic, boolean fromBeginning, String group, Format format, long maxRecords, Duration idleTimeout) {
        this(topic, fromBeginning, group, format, maxRecords, idleTimeout, Set.of(), Set.of());
    }

    public ConsumeConfig {
        tables = tables == null ? Set.of() : Set.copyOf(tables);
        ops = ops == null ? Set.of() : Set.copyOf(ops);
        for (String op : ops) {
            if (!OPERATIONS.contains(op)) {
                throw new CdcException(CdcException.Kind.CONFIGURATION, "--op " + op + " is not an operation: use c (insert), "
                        + "u (update), d (delete), t (truncate) or r (snapshot read), comma-separated");
            }
        }
        if (topic == null || !KafkaTopicNames.isValid(topic)) {
            throw new CdcException(CdcException.Kind.CONFIGURATION,
                    topic == null ? "no topic given: pass --topic NAME" : KafkaTopicNames.problem("--topic", topic));
        }
        if (maxRecords < 0) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--max must be 0 (no limit) or more, got " + maxRecords);
        }
        if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--timeout must be positive, e.g. 10s");
        }
        if (group != null && group.isBlank()) {
            group = null;
        }
        if (format == null) {
            format = Format.PRETTY;
        }
    }
}
