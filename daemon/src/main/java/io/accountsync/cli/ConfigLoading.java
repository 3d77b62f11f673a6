package io.accountsync.cli;

import io.accountsync.config.AccountsyncConfig;
import io.accountsync.config.ConfigException;
import io.accountsync.config.ConfigLoader;
import io.accountsync.config.ConfigProblem;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Loads the configuration for a command, printing every problem and yielding exit code 2. */
final class ConfigLoading {
    static final int CONFIG_ERROR = 2;

    private ConfigLoading() {
    }

    /** The loaded configuration, or null after printing the problems to {@code err}. */
    static AccountsyncConfig load(Path file, PrintWriter err) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            err.println("config has " + e.problems().size() + " problem(s):");
            for (ConfigProblem p : e.problems()) {
                err.println("  " + p);
            }
            err.flush();
            return null;
        }
    }
}
