package dev.pgcdc.snapshot;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.TableId;
import dev.pgcdc.testing.TestServices;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A request for an on-demand snapshot read again after a restart (the stream's position was not confirmed past
 * it) is the same request, already recorded and resumed: it is not started a second time. A new request is.
 */
class OnDemandSignalReadAgainIT {

    private static final TableId ITEMS = new TableId("public", "items");
    private static final String SIGNAL = "{\"id\":\"4f1c\",\"table\":\"public.items\",\"where\":\"id > 1\"}";

    @Test
    void aRequestReadAgainAfterARestartIsNotStartedTwice() throws Exception {
        DatabaseConfig database = TestServices.newDatabase();
        TestServices.execute(database, "CREATE TABLE items (id int PRIMARY KEY, note text)");
        ProgressStore store = new ProgressStore("logical:readagain");
        try (Connection connection = TestServices.connect(database)) {
            try (OnDemandSnapshots firstRun = onDemand(database, store)) {
                firstRun.request(SIGNAL, connection);
                assertThat(firstRun.state()).containsOnlyKeys("4f1c");
            }
            assertThat(store.loadOnDemand(connection)).singleElement().satisfies(request -> {
                assertThat(request.table().toString()).isEqualTo("public.items");
                assertThat(request.where()).isEqualTo("id > 1");
                assertThat(request.progress()).isEqualTo(TableProgress.NOT_STARTED);
            });
            TableProgress fiveDone = new TableProgress(List.of(new KeyRange(null, List.of("6"))), 5);
            new OnDemandRequest("4f1c", ITEMS, "id > 1", fiveDone).store(store).save(connection, Map.of(ITEMS, fiveDone), "id > 1");

            try (OnDemandSnapshots secondRun = onDemand(database, store)) {
                secondRun.resume(store.loadOnDemand(connection));
                secondRun.request(SIGNAL, connection);
                secondRun.request(SIGNAL.replace("4f1c", "9a2b"), connection);

                assertThat(secondRun.state()).containsOnlyKeys("4f1c", "9a2b");
                assertThat(secondRun.state().get("4f1c").progress()).as("resumed, not started again").isEqualTo(fiveDone);
            }
            assertThat(store.loadOnDemand(connection)).extracting(OnDemandRequest::id, request -> request.progress().rows())
                    .containsExactlyInAnyOrder(tuple("4f1c", 5L), tuple("9a2b", 0L));
        }
    }

    /** Its workers wait for windows no pipeline opens; closing it stops them. */
    private static OnDemandSnapshots onDemand(DatabaseConfig database, ProgressStore store) {
        DebeziumEnvelope envelope = new DebeziumEnvelope("readagain", "db", "test", true);
        return new OnDemandSnapshots(database, envelope, HighWatermark.LOGICAL_MESSAGE, 10, store,
                (table, id) -> new ChunkWindow(id + ":1", table, envelope.topic(table), id));
    }
}
