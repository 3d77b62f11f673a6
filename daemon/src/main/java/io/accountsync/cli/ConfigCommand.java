package io.accountsync.cli;

import io.accountsync.config.AccountsyncConfig;
import io.accountsync.config.ConfigException;
import io.accountsync.config.ConfigLoader;
import io.accountsync.config.ConfigProblem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code accountsync config ...}: configuration tools. */
@Command(name = "config", description = "Configuration tools.", mixinStandardHelpOptions = true,
        subcommands = {ConfigCommand.Check.class})
public final class ConfigCommand implements Callable<Integer> {

    /** Exit code of a configuration that cannot be used (picocli's usage-error code). */
    public static final int EXIT_CONFIG_PROBLEMS = CommandLine.ExitCode.USAGE;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand (check)");
    }

    /** {@code accountsync config check -c FILE}: loads and validates the file; starts and connects nothing. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Checks a configuration file and lists every problem in it.",
                    "Nothing is started and no database is contacted."},
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:the configuration is valid", "2:the configuration has problems (listed on stderr)"})
    public static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration file.")
        Path config;

        /** Where {@code ${VAR}} secrets come from; tests may replace it. */
        Function<String, String> env = System::getenv;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                AccountsyncConfig loaded = ConfigLoader.load(config, env);
                int n = loaded.environments().size();
                out.println("config OK: " + n + (n == 1 ? " environment" : " environments")
                        + " (" + String.join(", ", loaded.environments().keySet()) + ")");
                out.flush();
                return CommandLine.ExitCode.OK;
            } catch (ConfigException e) {
                err.println("config has " + e.problems().size() + " problem(s):");
                for (ConfigProblem p : e.problems()) {
                    err.println(p);
                }
                err.flush();
                return EXIT_CONFIG_PROBLEMS;
            }
        }
    }
}
