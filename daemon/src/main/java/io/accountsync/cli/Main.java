package io.accountsync.cli;

import io.accountsync.status.LogFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code accountsync} command line: thin wiring over the daemon's stages. */
@Command(name = "accountsync", mixinStandardHelpOptions = true, version = "accountsync 0.1.0",
        description = "One person, one account, everywhere: keeps accounts in line across application databases.",
        subcommands = {RunCommand.class, BootstrapCommand.class, ConflictsCommand.class, QuarantineCommand.class, AuditCommand.class,
                StatusCommand.class, DoctorCommand.class, DemoCommand.class,
                ConfigCommand.class, UpgradeCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Applied while the command line is parsed, so before any subcommand runs; accepted before or after the
     * subcommand's name.
     */
    @CommandLine.Option(names = "--log-format", paramLabel = "text|json", scope = CommandLine.ScopeType.INHERIT,
            description = "Log lines as human-readable text (default) or JSON lines: one object per line with "
                    + "timestamp, level, thread, logger, env, message (also: ACCOUNTSYNC_LOG_FORMAT=json).")
    void logFormat(String value) {
        LogFormat format = LogFormat.parse(value);
        if (format == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--log-format': '" + value + "' (expected text or json)");
        }
        format.apply();
    }

    public static void main(String[] args) {
        int code = execute(args);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    static {
        // H2's AUTO_SERVER (so commands can open the state store while the daemon runs) listens on
        // a TCP port: loopback only.
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
