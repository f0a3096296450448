package dev.pgcdc.cli;

import dev.pgcdc.Version;
import dev.pgcdc.config.SettingsFile;
import dev.pgcdc.error.CdcException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

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
    }

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Settings file: pgcdc's YAML (setting: value, named as the flags without dashes), .properties or "
                    + ".json, or a Debezium PostgreSQL connector config; flags and PGCDC_* variables override it (env PGCDC_CONFIG)")
    String config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: setup, teardown, capture, consume, status, demo or help");
    }

    /** The {@code --config} file's settings (checked, notices printed), or none. Read before parsing, as they are defaults. */
    private static Map<String, String> settingsFile(CommandLine commandLine, String[] args, PrintWriter err) {
        String path = System.getenv("PGCDC_CONFIG");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                path = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                path = args[i].substring("--config=".length());
            }
        }
        if (path == null) {
            return Map.of();
        }
        SettingsFile settings = SettingsFile.read(Path.of(path));
        for (String notice : ConfigDefaults.check(settings, ConfigDefaults.settings(commandLine))) {
            err.println("pgcdc: notice: " + notice);
        }
        return settings.values();
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
        Logging.configure(args);
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
        try {
            commandLine.setDefaultValueProvider(new ConfigDefaults(settingsFile(commandLine, args, err), System::getenv));
        } catch (CdcException e) {
            err.println("pgcdc: " + e.getMessage());
            err.flush();
            return ExitCodes.of(e.kind());
        }
        int code = commandLine.execute(args);
        err.flush();
        out.flush();
        return code;
    }
}
