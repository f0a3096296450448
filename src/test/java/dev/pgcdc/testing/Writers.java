package dev.pgcdc.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Concurrent workload writers, each on a thread of its own and each counting what it did. */
final class Writers {

    private final ExecutorService pool;
    private final List<Future<Integer>> running = new ArrayList<>();

    Writers(int count, Callable<Integer> writer) {
        pool = Executors.newFixedThreadPool(count);
        for (int w = 0; w < count; w++) {
            running.add(pool.submit(writer));
        }
    }

    boolean isRunning() {
        return running.stream().anyMatch(f -> !f.isDone());
    }

    /** Waits for every writer; the sum of their counts. Rethrows what made one fail. */
    int awaitTotal() throws Exception {
        int total = 0;
        for (Future<Integer> writer : running) {
            total += writer.get();
        }
        pool.shutdown();
        return total;
    }
}
