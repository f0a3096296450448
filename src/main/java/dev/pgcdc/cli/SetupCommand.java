package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.TableId;
import dev.pgcdc.source.notify.TutorialSchema;
import dev.pgcdc.source.logical.LogicalSetup;
import dev.pgcdc.source.trigger.JournalSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code pgcdc setup}: prepares a database for capture. Idempotent. */
@Command(name = "setup", description = "Install what capture needs in a database (idempotent).")
final class SetupCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--tutorial",
            description = "Install the tutorial's sales table, notify_sales_changes() function and sales_trigger trigger")
    boolean tutorial;

    @Option(names = "--mode", description = "Capture mode to prepare: ${COMPLETION-CANDIDATES} "
            + "(trigger: journal in schema pgcdc and triggers on each --table; logical: a publication)")
    CaptureMode mode;

    @Option(names = "--table", paramLabel = "SCHEMA.TABLE", description = "Table to capture (trigger, logical; repeatable)")
    List<String> tables = new ArrayList<>();

    @Option(names = "--all-tables", description = "logical: publish every table of the database (needs a superuser)")
    boolean allTables;

    @Option(names = "--publication", paramLabel = "NAME", description = "logical: publication name (default: pgcdc)")
    String publication;

    @Option(names = "--replica-identity-full",
            description = "logical: set REPLICA IDENTITY FULL on the tables, so updates and deletes carry the whole old row")
    boolean replicaIdentityFull;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DatabaseConfig config = database.toConfig();
        if (!tutorial && mode != CaptureMode.trigger && mode != CaptureMode.logical) {
            throw new CdcException(CdcException.Kind.CONFIGURATION,
                    "nothing to set up: pass --tutorial and/or --mode trigger|logical --table SCHEMA.TABLE");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (tutorial) {
            TutorialSchema.install(config);
            out.println("Tutorial schema ready in " + config.redactedUrl()
                    + ": table sales, function notify_sales_changes(), trigger sales_trigger -> NOTIFY sales_channel");
        }
        if (mode == CaptureMode.trigger) {
            List<TableId> tableIds = tables.stream().map(TableId::parse).toList();
            for (JournalSchema.Installed installed : JournalSchema.install(config, tableIds)) {
                out.println("Capturing " + installed.table() + " into journal pgcdc.journal"
                        + (installed.hasPrimaryKey() ? "" : " (no primary key: its events will have a null key)"));
            }
        }
        if (mode == CaptureMode.logical) {
            LogicalCaptureConfig logical = new LogicalCaptureConfig(null, publication, null, true, null, false);
            List<TableId> tableIds = tables.stream().map(TableId::parse).toList();
            LogicalSetup.install(config, logical.publication(), tableIds, allTables, replicaIdentityFull);
            out.println("Publication " + logical.publication() + " ready: " + (allTables ? "all tables" : tableIds)
                    + (replicaIdentityFull ? ", REPLICA IDENTITY FULL" : "")
                    + ". The slot is created by the first `pgcdc capture --mode logical`.");
        }
        return ExitCodes.OK;
    }
}
