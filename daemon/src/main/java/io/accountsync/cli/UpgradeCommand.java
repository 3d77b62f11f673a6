package io.accountsync.cli;

import io.accountsync.config.AccountsyncConfig;
import io.accountsync.state.StateStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code accountsync upgrade}: migrates the state store, copying an H2 store aside first. */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = "Upgrade the state store's schema to this version (an H2 store is copied aside first). Stop every daemon before.")
final class UpgradeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, description = "The YAML configuration file.")
    Path config;

    @Override
    public Integer call() {
        AccountsyncConfig cfg = ConfigLoading.load(config, spec.commandLine().getErr());
        if (cfg == null) {
            return ConfigLoading.CONFIG_ERROR;
        }
        PrintWriter out = spec.commandLine().getOut();
        StateStore store = new StateStore(cfg.stateStore().effectiveUrl(cfg.dataDir()), cfg.stateStore().user(),
                cfg.stateStore().password());
        StateStore.Version before = store.version();
        if (before.current() != null && before.upToDate()) {
            out.println("state store is up to date (schema version " + before.current() + ")");
            return 0;
        }
        store.upgrade(Clock.systemUTC()).ifPresent(copy -> out.println("copied the state store to " + copy));
        out.println("state store upgraded from schema version " + (before.current() == null ? "none" : before.current())
                + " to " + store.version().current());
        return 0;
    }
}
