package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.source.notify.TutorialSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code pgcdc setup}: prepares a database for capture. */
@Command(name = "setup", description = "Install what capture needs in a database (idempotent).")
final class SetupCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Option(names = "--tutorial", required = true,
            description = "Install the tutorial's sales table, notify_sales_changes() function and sales_trigger trigger")
    boolean tutorial;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DatabaseConfig config = database.toConfig();
        TutorialSchema.install(config);
        spec.commandLine().getOut().println("Tutorial schema ready in " + config.redactedUrl()
                + ": table sales, function notify_sales_changes(), trigger sales_trigger -> NOTIFY sales_channel");
        return ExitCodes.OK;
    }
}
