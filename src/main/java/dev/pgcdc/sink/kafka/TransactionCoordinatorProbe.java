package dev.pgcdc.sink.kafka;

import dev.pgcdc.config.KafkaConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the transaction coordinator what became of a transaction whose commit failed with an error that names no
 * cause. A broker can answer a commit that races with a newer instance's fencing with an unexpected server error
 * instead of as fenced; what the coordinator holds afterwards tells the two apart.
 */
final class TransactionCoordinatorProbe {

    private static final Logger log = LoggerFactory.getLogger(TransactionCoordinatorProbe.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private TransactionCoordinatorProbe() {
    }

    /**
     * True when the coordinator shows that the transaction whose commit failed at {@code failedAtMs} (this host's
     * clock) was ended by someone else: aborted, fenced, or followed by another instance's start or transaction.
     * False when it may still be this one's, may have committed, or the coordinator cannot be asked.
     */
    static boolean endedByAnother(KafkaConfig kafka, String transactionalId, long failedAtMs) {
        try (Admin admin = Admin.create(kafka.clientProperties(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "pgcdc-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis())))) {
            TransactionDescription description = admin.describeTransactions(List.of(transactionalId))
                    .description(transactionalId).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return endedByAnother(description.state(), description.transactionStartTimeMs(), failedAtMs);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.debug("Cannot ask the transaction coordinator about {}", transactionalId, e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * This capture never aborts while it commits, and after a failed commit its producer begins nothing more: an
     * abort, an epoch fence or an empty state is another instance's doing (or the coordinator's, for a transaction
     * that outlived its timeout), and so is an ongoing transaction that began after this one's commit failed (the
     * broker's clock against this host's: this one's own transaction began before its commit, well before, unless
     * the clocks are skewed by more than a transaction lasts).
     */
    static boolean endedByAnother(TransactionState state, OptionalLong startedAtMs, long failedAtMs) {
        return switch (state) {
            case PREPARE_ABORT, COMPLETE_ABORT, PREPARE_EPOCH_FENCE, EMPTY -> true;
            case ONGOING -> startedAtMs.isPresent() && startedAtMs.getAsLong() > failedAtMs;
            default -> false;
        };
    }
}
