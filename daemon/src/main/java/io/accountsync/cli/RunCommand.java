package io.accountsync.cli;

import io.accountsync.config.AccountsyncConfig;
import io.accountsync.pipeline.SyncDaemon;
import io.accountsync.state.StateStoreException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code accountsync run}: the daemon in the foreground until SIGTERM/SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Capture, merge and apply continuously, in the foreground. Stops cleanly (offsets flushed) on SIGTERM or Ctrl-C.")
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, description = "The YAML configuration file.")
    Path config;

    @Override
    public Integer call() throws Exception {
        AccountsyncConfig cfg = ConfigLoading.load(config, spec.commandLine().getErr());
        if (cfg == null) {
            return ConfigLoading.CONFIG_ERROR;
        }
        java.util.List<io.accountsync.doctor.Check> blocked = io.accountsync.doctor.Preflight.failures(cfg);
        if (!blocked.isEmpty()) {
            // A wrong dialect, a missing table or column: no retry fixes these, so say so now instead of looping.
            spec.commandLine().getErr().print(io.accountsync.doctor.Preflight.describe(blocked) + "(`accountsync doctor -c " + config + "` checks everything)\n");
            spec.commandLine().getErr().flush();
            return 1;
        }
        SyncDaemon daemon = new SyncDaemon(cfg, Clock.systemUTC());
        Thread hook = new Thread(daemon::close, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            daemon.start();
        } catch (StateStoreException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 1;
        }
        daemon.awaitStop();
        return 0;
    }
}
