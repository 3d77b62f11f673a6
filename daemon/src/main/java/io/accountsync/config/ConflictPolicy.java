package io.accountsync.config;

import java.util.Locale;

/** What happens when environments disagree about an account's field ({@code conflicts.policy}). */
public enum ConflictPolicy {
    /** Leave the account alone everywhere and record the conflict for an operator. */
    SKIP,
    /**
     * The environment where the user was active last wins: at bootstrap by the profile's
     * last-activity column, while streaming by the later source commit.
     */
    NEWER,
    /** The first environment of {@code conflicts.priority} that holds the account wins. */
    PRIORITY;

    /** The name used in configuration files. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a configuration name (exact, lower case); null when unknown so callers can report it with a path. */
    public static ConflictPolicy fromConfigName(String name) {
        for (ConflictPolicy p : values()) {
            if (p.configName().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
