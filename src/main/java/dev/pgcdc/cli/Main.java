package dev.pgcdc.cli;

import dev.pgcdc.Version;
import dev.pgcdc.error.CdcException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;

/** {@code pgcdc}: the entry point. Human output goes to stdout, errors as one line to stderr. */
// scope INHERIT: every subcommand gets -h/--help and -V/--version; a help request skips required options.
@Command(name = "pgcdc", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Streams PostgreSQL changes into Apache Kafka.",
        subcommands = {SetupCommand.class, TeardownCommand.class, CaptureCommand.class, SnapshotCommand.class, ConsumeCommand.class,
                StatusCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    private boolean verbose;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Detailed logs, and stack traces with errors")
    void setVerbose(boolean verbose) {
        this.verbose = verbose;
        if (verbose) {
            Logging.verbose();
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: setup, teardown, capture, consume, status, demo or help");
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pgcdc " + Version.VALUE};
        }
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line and returns its exit code; also the way tests drive the CLI. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main)
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler((e, arguments) -> {
                    String command = e.getCommandLine().getCommandSpec().qualifiedName();
                    err.println("pgcdc: " + e.getMessage() + " (see '" + command + " --help')");
                    return ExitCodes.USAGE;
                })
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    if (main.verbose) {
                        e.printStackTrace(err);
                    }
                    if (e instanceof CdcException cdc) {
                        err.println("pgcdc: " + cdc.getMessage());
                        return ExitCodes.of(cdc.kind());
                    }
                    err.println("pgcdc: unexpected failure: " + e + (main.verbose ? "" : " (run with --verbose for details)"));
                    return ExitCodes.INTERNAL;
                });
        int code = commandLine.execute(args);
        err.flush();
        out.flush();
        return code;
    }
}
