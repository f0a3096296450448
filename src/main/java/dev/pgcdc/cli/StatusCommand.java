package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.snapshot.ProgressReport;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.source.trigger.JournalSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code pgcdc status}: what capture has left to do in a database: the slot's retained WAL, the journal's
 * backlog. Exits non-zero when what it was asked about does not exist, so scripts can tell.
 */
@Command(name = "status", description = "Show the replication slot (retained WAL) and the trigger journal backlog. "
        + "Exits 3 when the slot (--mode logical), the journal (--mode trigger), or without --mode both, do not exist.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--slot", paramLabel = "NAME", description = "logical: replication slot (default: pgcdc)")
    String slot;

    @Option(names = "--mode", description = "Only this capture mode: trigger or logical (default: both)")
    CaptureMode mode;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DatabaseConfig config = database.toConfig();
        PrintWriter out = spec.commandLine().getOut();
        boolean logicalFound = mode == CaptureMode.trigger || logical(config, out);
        boolean triggerFound = mode == CaptureMode.logical || trigger(config, out);
        boolean found = mode == null ? logicalFound || triggerFound : logicalFound && triggerFound;
        if (found) {
            ProgressReport.lines(config).forEach(out::println);
        }
        if (!found) {
            spec.commandLine().getErr().println("pgcdc: nothing to report in " + config.redactedUrl()
                    + (mode == CaptureMode.logical ? ": replication slot '" + slotName() + "' does not exist (capture --mode logical creates it)"
                    : mode == CaptureMode.trigger ? ": the trigger journal is not installed (setup --mode trigger --table SCHEMA.TABLE)"
                    : ": no replication slot '" + slotName() + "' and no trigger journal (see pgcdc setup --help)"));
            return ExitCodes.CONFIGURATION;
        }
        return ExitCodes.OK;
    }

    private String slotName() {
        return new LogicalCaptureConfig(slot, null, null, true, null, false).slot();
    }

    private boolean logical(DatabaseConfig config, PrintWriter out) {
        LogicalSetup.SlotStatus status = LogicalSetup.slotStatus(config, slotName());
        if (status == null) {
            out.println("logical: no replication slot '" + slotName() + "' on this server");
            return false;
        }
        out.println("logical: slot " + status.slot()
                + (status.active() ? " streaming to " + (status.holder() != null ? status.holder() : "process " + status.activePid())
                : " idle (no capture running)")
                + ", database " + status.database() + ", confirmed up to " + status.confirmedFlushLsn()
                + " (" + status.confirmedBehind() + " of WAL since"
                + (status.secondsSinceStatus() == null ? "" : String.format("; last status from capture %.1f s ago", status.secondsSinceStatus()))
                + "), retaining " + status.retainedWal() + " of WAL (" + status.retainedWalBytes() + " bytes)");
        return true;
    }

    private static boolean trigger(DatabaseConfig config, PrintWriter out) {
        JournalSchema.Backlog backlog = JournalSchema.backlog(config);
        if (backlog == null) {
            out.println("trigger: not installed");
            return false;
        }
        out.println("trigger: " + backlog.pendingChanges() + " change(s) waiting in pgcdc.journal"
                + (backlog.oldestAgeSeconds() == null ? "" : String.format(", oldest %.1f s old", backlog.oldestAgeSeconds())));
        return true;
    }
}
