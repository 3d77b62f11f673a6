package io.accountsync.config;

import java.util.Locale;

/** What accountsync does with an environment: read it, write it, or both. */
public enum Role {
    /** Changes are captured from it and merged results are written to it. */
    BOTH,
    /** Changes are captured from it; it is never written. */
    SOURCE,
    /** Merged results are written to it; its own changes are never read. */
    TARGET;

    public boolean reads() {
        return this != TARGET;
    }

    public boolean writes() {
        return this != SOURCE;
    }

    /** The name used in configuration files. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a configuration name (exact, lower case); null when unknown so callers can report it with a path. */
    public static Role fromConfigName(String name) {
        for (Role r : values()) {
            if (r.configName().equals(name)) {
                return r;
            }
        }
        return null;
    }
}
