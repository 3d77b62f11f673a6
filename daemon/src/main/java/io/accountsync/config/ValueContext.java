package io.accountsync.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a {@link ValueType} needs while it reads one value: where the value is (for messages),
 * the directory relative paths resolve against, the environment-variable lookup, and where to
 * report problems.
 */
public final class ValueContext {

    private final String path;
    private final Path baseDir;
    private final Function<String, String> env;
    private final List<ConfigProblem> problems;

    ValueContext(String path, Path baseDir, Function<String, String> env, List<ConfigProblem> problems) {
        this.path = Objects.requireNonNull(path, "path");
        this.baseDir = baseDir;
        this.env = env;
        this.problems = problems;
    }

    /** The dotted path of the value being read. */
    public String path() {
        return path;
    }

    /** The directory of the configuration file. */
    public Path baseDir() {
        return baseDir;
    }

    /** The value of an environment variable, or null when it is not set. */
    public String env(String name) {
        return env.apply(name);
    }

    /** Reports a problem with the value being read. Never put a secret's value into the message. */
    public void problem(String message) {
        problems.add(new ConfigProblem(path, message));
    }

    /** Reports a problem with a part of the value ({@code sync_fields[2]}, a passthrough key). */
    public void problemAt(String subPath, String message) {
        problems.add(new ConfigProblem(subPath, message));
    }
}
