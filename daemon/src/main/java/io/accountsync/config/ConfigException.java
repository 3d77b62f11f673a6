package io.accountsync.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration file that cannot be used; it carries every problem found, not just the first. */
public final class ConfigException extends Exception {

    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super();
        if (problems == null || problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    /** Every problem on its own line, as {@code path: message}. */
    @Override
    public String getMessage() {
        return problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n"));
    }
}
