package io.accountsync.config;

import java.util.Locale;

/** What one conflict holds back ({@code conflicts.granularity}). */
public enum Granularity {
    /** A conflict on one field is a conflict of the whole account: it holds back all of its fields. */
    RECORD,
    /** Each field's conflict is handled on its own; the account's other fields still sync. */
    FIELD;

    /** The name used in configuration files. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a configuration name (exact, lower case); null when unknown so callers can report it with a path. */
    public static Granularity fromConfigName(String name) {
        for (Granularity g : values()) {
            if (g.configName().equals(name)) {
                return g;
            }
        }
        return null;
    }
}
