package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.event.TableId;
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

    @Option(names = "--mode", required = true, description = "Capture mode to remove: trigger")
    CaptureMode mode;

    @Option(names = "--force", description = "Also drop changes still waiting in the journal")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DatabaseConfig config = database.toConfig();
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
