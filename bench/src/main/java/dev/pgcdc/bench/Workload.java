package dev.pgcdc.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One workload of the run. {@code kind} is the {@link WorkloadDriver}'s; {@code backlog} means the changes are
 * written while capture is stopped and the figure is the time to drain them.
 */
record Workload(String id, String label, String kind, int writers, long changes, int txSize, double rate,
                boolean backlog) {

    String table() {
        return "t_" + id;
    }

    String name() {
        return id + " " + label;
    }

    boolean paced() {
        return kind.equals("rate");
    }

    /**
     * Round {@code round} of the unreported warm-up, on a table of its own: transactions of many rows, one-row
     * transactions from several writers, and a burst of 1,000-row transactions from 2 writers, as (b) writes, which
     * fills the capture's queues: a capture that has run for a while has met full queues, but without the burst the
     * compiled code met them first in (b), and recompiling it took as much CPU there as the capture's own pipeline.
     * Rounds repeat until the capture's JIT has compiled its hot path. Each round's table is new to the capture, as
     * every measured workload's is: the first changes of a table take paths the compiled code had not seen (its
     * relation, its topic), which a capture that has run for a while has long recompiled.
     */
    static List<Workload> warmUpRound(int round) {
        String id = "w" + round;
        return List.of(new Workload(id, "warm-up", "tx", 1, 5_000, 100, 0, false),
                new Workload(id, "warm-up", "single", 8, 5_000, 1, 0, false),
                new Workload(id, "warm-up", "tx", 2, 20_000, 1_000, 0, false));
    }

    /** (a)–(e) of the benchmark; {@code quick} keeps every kind but with fewer changes. */
    static List<Workload> all(boolean quick) {
        int scale = quick ? 10 : 1;
        double seconds = quick ? 3 : 20;
        List<Workload> list = new ArrayList<>();
        list.add(new Workload("a", "autocommit inserts, 8 writers", "single", 8, 50_000 / scale, 1, 0, false));
        list.add(new Workload("b", "1000-row transactions", "tx", 2, 200_000 / scale, 1000, 0, false));
        list.add(new Workload("c", "mixed insert/update/delete", "mixed", 8, 60_000 / scale, 10, 0, false));
        for (int rate : new int[] {1_000, 5_000, 10_000}) {
            list.add(new Workload("d" + rate, "paced " + rate + "/s", "rate", 8, (long) (rate * seconds), 1, rate, false));
        }
        list.add(new Workload("e", "backlog drain", "tx", 2, 1_000_000 / scale, 1000, 0, true));
        return list;
    }

    /** The workloads named by {@code ids} ({@code --workloads}), in the run's order; all of them when none is named. */
    static List<Workload> only(List<Workload> all, List<String> ids) {
        return ids.isEmpty() ? all : all.stream().filter(w -> ids.contains(w.id())).toList();
    }
}
