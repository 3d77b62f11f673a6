package io.accountsync.model;

import java.util.Locale;

/** The database families accountsync captures from and writes to. */
public enum Dialect {
    POSTGRESQL("postgresql", 5432),
    MARIADB("mariadb", 3306),
    MYSQL("mysql", 3306);

    private final String configName;
    private final int defaultPort;

    Dialect(String configName, int defaultPort) {
        this.configName = configName;
        this.defaultPort = defaultPort;
    }

    /** The name used in configuration files. */
    public String configName() {
        return configName;
    }

    public int defaultPort() {
        return defaultPort;
    }

    public boolean isMysqlFamily() {
        return this != POSTGRESQL;
    }

    /** Parses a configuration name; returns null when unknown so callers can report it with a path. */
    public static Dialect fromConfigName(String name) {
        if (name == null) {
            return null;
        }
        for (Dialect d : values()) {
            if (d.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        return null;
    }
}
