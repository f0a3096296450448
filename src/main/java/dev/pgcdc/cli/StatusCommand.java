package dev.pgcdc.cli;

import dev.pgcdc.config.ByteSizes;
import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.observe.Attention;
import dev.pgcdc.observe.StatusJson;
import dev.pgcdc.snapshot.ProgressReport;
import dev.pgcdc.source.SkippedTruncates;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.source.trigger.JournalSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pgcdc status}: what capture has left to do in a database (the slot's retained WAL, the journal's
 * backlog) and what needs attention. Exits non-zero when what it was asked about does not exist, or when
 * something needs attention, so scripts and monitoring can tell.
 */
@Command(name = "status", description = "Show the replication slot (retained WAL) and the trigger journal backlog, "
        + "and what needs attention. Exits 3 when the slot (--mode logical), the journal (--mode trigger), or without "
        + "--mode both, do not exist; exits 6 when something needs attention.")
final class StatusCommand implements Callable<Integer> {

    enum Format { text, json }

    @Mixin
    DatabaseOptions database;

    @Option(names = "--slot", paramLabel = "NAME", description = "logical: replication slot (default: pgcdc)")
    String slot;

    @Option(names = "--publication", paramLabel = "NAME", defaultValue = "pgcdc",
            description = "logical: publication whose tables are checked for keys (default: ${DEFAULT-VALUE})")
    String publication;

    @Option(names = "--mode", description = "Only this capture mode: trigger or logical (default: both)")
    CaptureMode mode;

    @Option(names = "--format", defaultValue = "text", description = "text or json (schema in the README) (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--max-retained", paramLabel = "SIZE", defaultValue = "1GB",
            description = "logical: an idle slot retaining more WAL than this needs attention (default: ${DEFAULT-VALUE})")
    String maxRetained;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DatabaseConfig config = database.toConfig();
        long maxRetainedBytes = maxRetainedBytes();
        boolean logicalAsked = mode != CaptureMode.trigger;
        boolean triggerAsked = mode != CaptureMode.logical;
        LogicalSetup.SlotStatus slotStatus = logicalAsked ? LogicalSetup.slotStatus(config, slotName()) : null;
        List<String> slotTablesWithoutKey = logicalAsked ? LogicalSetup.tablesWithoutKey(config, publication) : List.of();
        JournalSchema.Backlog journal = triggerAsked ? JournalSchema.backlog(config) : null;
        List<String> attention = Attention.of(slotStatus, slotTablesWithoutKey, maxRetainedBytes, journal);

        PrintWriter out = spec.commandLine().getOut();
        boolean found = mode == null ? slotStatus != null || journal != null
                : mode == CaptureMode.logical ? slotStatus != null : journal != null;
        List<SkippedTruncates.Running> skipping = found ? SkippedTruncates.running(config) : List.of();
        List<ProgressReport.Table> snapshots = found ? ProgressReport.tables(config) : List.of();
        if (format == Format.json) {
            out.println(StatusJson.render(logicalAsked ? slotName() : null, slotStatus, slotTablesWithoutKey, triggerAsked, journal,
                    skipping, snapshots, attention));
        } else {
            if (logicalAsked) {
                out.println(logicalLine(slotStatus));
            }
            if (triggerAsked) {
                out.println(triggerLine(journal));
            }
            for (SkippedTruncates.Running capture : skipping) {
                out.println("skipped: capture process " + capture.pid() + " (" + capture.application() + ") skipped "
                        + capture.skipped() + " truncate(s) since it started (--skipped-operations): their rows stay downstream");
            }
            if (found) {
                ProgressReport.lines(snapshots).forEach(out::println);
            }
            attention.forEach(line -> out.println("attention: " + line));
        }
        out.flush();
        if (!found) {
            spec.commandLine().getErr().println("pgcdc: nothing to report in " + config.redactedUrl()
                    + (mode == CaptureMode.logical ? ": replication slot '" + slotName() + "' does not exist (capture --mode logical creates it)"
                    : mode == CaptureMode.trigger ? ": the trigger journal is not installed (setup --mode trigger --table SCHEMA.TABLE)"
                    : ": no replication slot '" + slotName() + "' and no trigger journal (see pgcdc setup --help)"));
            return ExitCodes.CONFIGURATION;
        }
        return attention.isEmpty() ? ExitCodes.OK : ExitCodes.ATTENTION;
    }

    private long maxRetainedBytes() {
        try {
            return ByteSizes.parse(maxRetained);
        } catch (CdcException e) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--max-retained: " + e.getMessage());
        }
    }

    private String slotName() {
        return new LogicalCaptureConfig(slot, null, null, true, null, false).slot();
    }

    private String logicalLine(LogicalSetup.SlotStatus status) {
        if (status == null) {
            return "logical: no replication slot '" + slotName() + "' on this server";
        }
        return "logical: slot " + status.slot()
                + (status.active() ? " streaming to " + (status.holder() != null ? status.holder() : "process " + status.activePid())
                : " idle (no capture running)")
                + ", database " + status.database() + ", confirmed up to " + status.confirmedFlushLsn()
                + (status.secondsSinceAdvanced() == null ? "" : String.format(", last advanced %.1f s ago", status.secondsSinceAdvanced()))
                + " (" + status.confirmedBehind() + " of WAL since"
                + (status.secondsSinceStatus() == null ? "" : String.format("; last status from capture %.1f s ago", status.secondsSinceStatus()))
                + "), retaining " + status.retainedWal() + " of WAL (" + status.retainedWalBytes() + " bytes)";
    }

    private static String triggerLine(JournalSchema.Backlog backlog) {
        if (backlog == null) {
            return "trigger: not installed";
        }
        return "trigger: " + backlog.pendingChanges() + " change(s) waiting in pgcdc.journal"
                + (backlog.oldestAgeSeconds() == null ? "" : String.format(", oldest %.1f s old", backlog.oldestAgeSeconds()))
                + (backlog.captureConnected() ? ", capture connected" : ", no capture connected");
    }
}
