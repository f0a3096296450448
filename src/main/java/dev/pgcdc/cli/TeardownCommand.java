package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.source.trigger.JournalSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code pgcdc teardown}: removes what {@code setup} installed for a mode; user tables stay untouched. */
@Command(name = "teardown", description = "Remove what setup installed for a capture mode (user tables are kept).")
final class TeardownCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--mode", required = true, description = "Capture mode to remove: trigger or logical")
    CaptureMode mode;

    @Option(names = "--slot", paramLabel = "NAME", description = "logical: replication slot to drop (default: pgcdc)")
    String slot;

    @Option(names = "--publication", paramLabel = "NAME", description = "logical: publication to drop (default: pgcdc)")
    String publication;

    @Option(names = "--force", description = "trigger: also drop changes still waiting in the journal; "
            + "logical: also drop a --slot that is not pgcdc's (another plugin or database)")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DatabaseConfig config = database.toConfig();
        if (mode == CaptureMode.logical) {
            LogicalCaptureConfig logical = new LogicalCaptureConfig(slot, publication, null, true, null, false);
            LogicalSetup.teardown(config, logical.slot(), logical.publication(), force);
            spec.commandLine().getOut().println("Dropped replication slot " + logical.slot() + " and publication "
                    + logical.publication() + " (if they existed).");
            return ExitCodes.OK;
        }
        if (mode != CaptureMode.trigger) {
            spec.commandLine().getOut().println("Nothing to remove for mode " + mode + ".");
            return ExitCodes.OK;
        }
        List<TableId> tables = JournalSchema.teardown(config, force);
        spec.commandLine().getOut().println("Removed schema pgcdc and the capture triggers of " + tables.size()
                + " table(s)" + (tables.isEmpty() ? "" : ": " + tables));
        return ExitCodes.OK;
    }
}
