package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.source.trigger.JournalSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code pgcdc status}: what capture has left to do in a database: the slot's retained WAL, the journal's backlog. */
@Command(name = "status", description = "Show the replication slot (retained WAL) and the trigger journal backlog.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--slot", paramLabel = "NAME", description = "logical: replication slot (default: pgcdc)")
    String slot;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DatabaseConfig config = database.toConfig();
        PrintWriter out = spec.commandLine().getOut();
        LogicalCaptureConfig logical = new LogicalCaptureConfig(slot, null, null, true, null, false);
        LogicalSetup.SlotStatus status = LogicalSetup.slotStatus(config, logical.slot());
        if (status == null) {
            out.println("logical: no replication slot '" + logical.slot() + "'");
        } else {
            out.println("logical: slot " + status.slot() + (status.active() ? " streaming to process " + status.activePid() : " idle (no capture running)")
                    + ", confirmed up to " + status.confirmedFlushLsn() + " (" + status.confirmedBehind() + " of WAL since"
                    + (status.secondsSinceStatus() == null ? "" : String.format("; last status from capture %.1f s ago", status.secondsSinceStatus()))
                    + "), retaining " + status.retainedWal() + " of WAL (" + status.retainedWalBytes() + " bytes)");
        }
        JournalSchema.Backlog backlog = JournalSchema.backlog(config);
        if (backlog == null) {
            out.println("trigger: not installed");
        } else {
            out.println("trigger: " + backlog.pendingChanges() + " change(s) waiting in pgcdc.journal"
                    + (backlog.oldestAgeSeconds() == null ? "" : String.format(", oldest %.1f s old", backlog.oldestAgeSeconds())));
        }
        return ExitCodes.OK;
    }
}
