package io.accountsync.testsupport;

import io.accountsync.model.Dialect;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The private development databases started by {@code ops/dev/databases}: {@link #pg1()},
 * {@link #pg2()} (PostgreSQL 15, wal_level=logical) and {@link #mariadb()} (MariaDB, ROW binlog).
 *
 * <p>Settings come from the {@code ACCOUNTSYNC_*} environment variables ({@code ops/test} exports
 * them); when absent, from {@code .dev/databases/env.properties} found by walking up from the
 * working directory (written by {@code ops/dev/databases start}).
 *
 * <p>Each accessor checks once per JVM that the instance accepts a login. If it does not, the
 * calling test is skipped (JUnit assumption), or fails with an {@link AssertionError} when the
 * environment variable {@code CI} is {@code true}.
 */
public final class TestDatabases {

    static final String PROPERTIES_RELATIVE = ".dev/databases/env.properties";
    static final String START_HINT = "run `ops/dev/databases start`";

    private static final Map<String, Boolean> REACHABLE = new ConcurrentHashMap<>();
    private static volatile Properties fileSettings;

    private TestDatabases() {
    }

    /** PostgreSQL instance pg1 (default 127.0.0.1:25432). */
    public static DbInstance pg1() {
        return checked(instance("pg1", Dialect.POSTGRESQL, "ACCOUNTSYNC_PG1", 25432));
    }

    /** PostgreSQL instance pg2 (default 127.0.0.1:25433). */
    public static DbInstance pg2() {
        return checked(instance("pg2", Dialect.POSTGRESQL, "ACCOUNTSYNC_PG2", 25433));
    }

    /** MariaDB instance (default 127.0.0.1:23306). */
    public static DbInstance mariadb() {
        return checked(instance("mariadb", Dialect.MARIADB, "ACCOUNTSYNC_MARIADB", 23306));
    }

    /** Whether this run is a CI run (environment variable {@code CI=true}), where missing databases fail tests. */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    // ------------------------------------------------------------------------------------------

    private static DbInstance instance(String name, Dialect dialect, String prefix, int defaultPort) {
        String host = orDefault(setting(prefix + "_HOST"), "127.0.0.1");
        String portText = orDefault(setting(prefix + "_PORT"), Integer.toString(defaultPort));
        int port;
        try {
            port = Integer.parseInt(portText.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(prefix + "_PORT is not a port number: " + portText, e);
        }
        String user = orDefault(setting("ACCOUNTSYNC_DB_USER"), "accountsync");
        String password = orDefault(setting("ACCOUNTSYNC_DB_PASSWORD"), "accountsync-dev");
        return new DbInstance(name, dialect, host, port, user, password);
    }

    private static DbInstance checked(DbInstance db) {
        String key = db.name() + "@" + db.host() + ":" + db.port();
        boolean up = REACHABLE.computeIfAbsent(key, k -> db.reachable());
        if (!up) {
            String msg = "private database " + db.describe() + " is not reachable as " + db.user()
                    + "; " + START_HINT;
            if (isCi()) {
                throw new AssertionError(msg + " (CI=true: failing instead of skipping)");
            }
            Assumptions.assumeTrue(false, msg);
        }
        return db;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    /** An {@code ACCOUNTSYNC_*} setting: the environment variable, else the dev env.properties file. */
    static String setting(String key) {
        String env = System.getenv(key);
        if (env != null && !env.isBlank()) {
            return env;
        }
        return fileSettings().getProperty(key);
    }

    /** The {@code ops/dev/databases} script: ACCOUNTSYNC_DEV_SCRIPT, else found by walking up. */
    static Path devScript() {
        String configured = setting("ACCOUNTSYNC_DEV_SCRIPT");
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured);
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("ops/dev/databases");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static Properties fileSettings() {
        Properties p = fileSettings;
        if (p == null) {
            synchronized (TestDatabases.class) {
                p = fileSettings;
                if (p == null) {
                    p = loadFileSettings();
                    fileSettings = p;
                }
            }
        }
        return p;
    }

    private static Properties loadFileSettings() {
        Properties p = new Properties();
        Path file = findPropertiesFile();
        if (file != null) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file, e);
            }
        }
        return p;
    }

    private static Path findPropertiesFile() {
        String devDir = System.getenv("ACCOUNTSYNC_DEV_DIR");
        if (devDir != null && !devDir.isBlank()) {
            Path candidate = Paths.get(devDir, "env.properties");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(PROPERTIES_RELATIVE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
