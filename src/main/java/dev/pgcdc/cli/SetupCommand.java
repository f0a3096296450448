package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.LogicalCaptureConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.event.TableId;
import dev.pgcdc.snapshot.AddedTables;
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

    @Option(names = "--table", paramLabel = "SCHEMA.TABLE", split = ",",
            description = "Table to add to the capture (trigger, logical; repeatable); tables already captured stay")
    List<String> tables = new ArrayList<>();

    @Option(names = "--remove-table", paramLabel = "SCHEMA.TABLE", split = ",",
            description = "Table to take out of the capture (trigger, logical; repeatable); needs --force while capture state exists")
    List<String> removeTables = new ArrayList<>();

    @Option(names = "--force", description = "Remove tables even though their changes then stop being captured")
    boolean force;

    @Option(names = "--no-snapshot", description = "trigger, logical: do not snapshot the existing rows of tables added to a "
            + "capture that has started (by default setup asks it for an on-demand snapshot of each, as pgcdc snapshot does)")
    boolean noSnapshot;

    @Option(names = "--all-tables", description = "logical: publish every table of the database (needs a superuser)")
    boolean allTables;

    @Option(names = "--publication", paramLabel = "NAME", description = "logical: publication name (default: pgcdc)")
    String publication;

    @Option(names = "--replica-identity", paramLabel = "full|default",
            description = "logical: full (default) sets REPLICA IDENTITY FULL on the captured tables, so every update "
                    + "and delete carries the whole old row (Flink SQL and other changelog consumers need it); "
                    + "default leaves their replica identity as it is")
    String replicaIdentity = "full";

    @Option(names = "--replica-identity-full", hidden = true, description = "Same as --replica-identity full, the default")
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
        if (!removeTables.isEmpty() && allTables) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--all-tables and --remove-table contradict each other: pass one");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (tutorial) {
            TutorialSchema.install(config);
            out.println("Tutorial schema ready in " + config.redactedUrl()
                    + ": table sales, function notify_sales_changes(), trigger sales_trigger -> NOTIFY sales_channel");
        }
        if (mode == CaptureMode.trigger) {
            setUpTrigger(config, out);
        }
        if (mode == CaptureMode.logical) {
            setUpLogical(config, out);
        }
        return ExitCodes.OK;
    }

    private void setUpTrigger(DatabaseConfig config, PrintWriter out) {
        if (!tables.isEmpty() || removeTables.isEmpty()) {
            AddedTables before = tables.isEmpty() || noSnapshot ? null : AddedTables.before(config, false, null);
            for (JournalSchema.Installed installed : JournalSchema.install(config, tableIds(tables))) {
                out.println("Capturing " + installed.table() + " into journal pgcdc.journal"
                        + (installed.hasPrimaryKey() ? "" : " (no primary key: its events will have a null key)"));
            }
            askForSnapshots(config, before, out);
        }
        if (!removeTables.isEmpty()) {
            List<TableId> removed = JournalSchema.removeTables(config, tableIds(removeTables), force);
            reportRemoval(out, removed, "the trigger capture");
            if (!removed.isEmpty()) {
                warn("changes to " + removed + " are no longer captured from now on (those already in the journal are "
                        + "still delivered); add them back with setup --table");
            }
        }
    }

    private void setUpLogical(DatabaseConfig config, PrintWriter out) {
        String publicationName = new LogicalCaptureConfig(null, publication, null, true, null, false).publication();
        if (!tables.isEmpty() || allTables || removeTables.isEmpty()) {
            boolean full = replicaIdentityIsFull();
            AddedTables before = tables.isEmpty() || noSnapshot ? null : AddedTables.before(config, true, publicationName);
            LogicalSetup.Publication result = LogicalSetup.install(config, publicationName, tableIds(tables), allTables, full);
            out.println("Publication " + publicationName + " ready: " + (allTables ? "all tables" : result.published())
                    + ". The slot is created by the first `pgcdc capture --mode logical`.");
            if (full) {
                out.println("REPLICA IDENTITY FULL on " + (allTables ? "every published table" : tableIds(tables))
                        + (result.madeFull().isEmpty() ? " (already set)" : " (set now on " + result.madeFull() + ")")
                        + ": updates and deletes carry the whole old row, as Flink SQL and other changelog consumers need"
                        + " (--replica-identity default leaves it as it is).");
            } else {
                out.println("REPLICA IDENTITY left as it is (--replica-identity default): unless a table is FULL, its updates "
                        + "carry no before image and unchanged TOASTed values are missing from them.");
            }
            result.warnings().forEach(this::warn);
            askForSnapshots(config, before, out);
        }
        if (!removeTables.isEmpty()) {
            LogicalSetup.Publication result = LogicalSetup.removeTables(config, publicationName, tableIds(removeTables), force);
            reportRemoval(out, result.changed(), "publication " + publicationName);
            out.println("Publication " + publicationName + " now publishes " + result.published() + ".");
            result.warnings().forEach(this::warn);
        }
    }

    /** Tables added to a capture that has started get their existing rows as a snapshot (unless --no-snapshot). */
    private void askForSnapshots(DatabaseConfig config, AddedTables before, PrintWriter out) {
        if (before == null) {
            return;
        }
        List<TableId> asked = before.askForSnapshots(config, tableIds(tables));
        if (!asked.isEmpty()) {
            out.println("Asked the capture to snapshot the existing rows of " + asked + " (a running capture starts now, a stopped one"
                    + " at its next start; --no-snapshot: don't).");
        }
    }

    private boolean replicaIdentityIsFull() {
        if (!replicaIdentity.equals("full") && !replicaIdentity.equals("default")) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--replica-identity must be full or default, not '"
                    + replicaIdentity + "'");
        }
        if (replicaIdentityFull && replicaIdentity.equals("default")) {
            throw new CdcException(CdcException.Kind.CONFIGURATION,
                    "--replica-identity-full and --replica-identity default contradict each other: pass one");
        }
        return replicaIdentity.equals("full");
    }

    private void reportRemoval(PrintWriter out, List<TableId> removed, String from) {
        List<TableId> notCaptured = new ArrayList<>(tableIds(removeTables));
        notCaptured.removeAll(removed);
        if (!removed.isEmpty()) {
            out.println("Removed " + removed + " from " + from + ".");
        }
        if (!notCaptured.isEmpty()) {
            out.println("Not captured, nothing to remove: " + notCaptured + ".");
        }
    }

    private void warn(String warning) {
        spec.commandLine().getErr().println("pgcdc: warning: " + warning);
    }

    private static List<TableId> tableIds(List<String> names) {
        return names.stream().map(TableId::parse).toList();
    }
}
