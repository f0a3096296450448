package dev.pgcdc.cli;

import dev.pgcdc.event.TableId;
import dev.pgcdc.snapshot.SnapshotSignal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code pgcdc snapshot}: asks a running capture to (re)snapshot a table, or part of it, without stopping the stream. */
@Command(name = "snapshot", description = "Ask the running capture to snapshot a table (or the rows --where selects) while it streams.")
final class SnapshotCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--mode", required = true, description = "The running capture's mode: trigger or logical")
    CaptureMode mode;

    @Option(names = "--table", required = true, paramLabel = "SCHEMA.TABLE", description = "The table to snapshot")
    String table;

    @Option(names = "--where", paramLabel = "CONDITION", description = "Only the rows this SQL condition selects, e.g. 'id > 1000'")
    String where;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (mode == CaptureMode.notify) {
            spec.commandLine().getErr().println("pgcdc: snapshots need --mode trigger or logical");
            return ExitCodes.USAGE;
        }
        TableId id = TableId.parse(table);
        SnapshotSignal.send(database.toConfig(), mode == CaptureMode.logical, id, where);
        spec.commandLine().getOut().println("Asked the running " + mode + " capture to snapshot " + id
                + (where == null ? "" : " where " + where) + "; its rows arrive as op r events with source.snapshot \"incremental\".");
        return ExitCodes.OK;
    }
}
