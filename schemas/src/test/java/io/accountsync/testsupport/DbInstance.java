package io.accountsync.testsupport;

import io.accountsync.model.Dialect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One private development database server (see {@code ops/dev/databases}).
 *
 * <p>Methods throw unchecked exceptions ({@link IllegalStateException} wrapping the
 * {@link SQLException} or I/O failure) so they can be used anywhere in a test.
 *
 * @param name     the instance name known to {@code ops/dev/databases}: pg1, pg2 or mariadb
 * @param dialect  the database family
 * @param host     host to connect to over TCP
 * @param port     TCP port
 * @param user     login (a superuser on the dev cluster)
 * @param password its password
 */
public record DbInstance(String name, Dialect dialect, String host, int port, String user, String password) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_$-]{1,64}");
    private static final long SCRIPT_TIMEOUT_SECONDS = 180;

    /** The JDBC URL of {@code database} on this instance. */
    public String jdbcUrl(String database) {
        String db = database == null ? "" : database;
        if (dialect == Dialect.POSTGRESQL) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + db + "?stringtype=unspecified";
        }
        return "jdbc:mariadb://" + host + ":" + port + "/" + db;
    }

    /** Opens a new connection to {@code database} as {@link #user()}; the caller closes it. */
    public Connection connect(String database) {
        try {
            return DriverManager.getConnection(jdbcUrl(database), user, password);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + describe() + " database " + database
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates a fresh database named {@code prefix} (lowercased, reduced to {@code [a-z0-9_]}) plus a
     * random suffix, and returns its name.
     */
    public String createDatabase(String prefix) {
        String name = uniqueName(prefix);
        String sql = dialect == Dialect.POSTGRESQL
                // template0: nobody is ever connected to it, so parallel creates do not collide.
                ? "CREATE DATABASE " + quote(name) + " TEMPLATE template0"
                : "CREATE DATABASE " + quote(name) + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";
        try (Connection c = connect(adminDatabase()); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on " + describe()
                    + ": " + e.getMessage(), e);
        }
        return name;
    }

    /**
     * Drops {@code name} if it exists. On PostgreSQL it first terminates the other sessions on it
     * (replication connections included) and drops the replication slots that belong to it.
     */
    public void dropDatabase(String name) {
        if (name == null || !SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a database created by createDatabase: " + name);
        }
        if (name.equals(adminDatabase()) || name.equals("postgres") || name.equals("mysql")
                || name.equals("information_schema") || name.equals("performance_schema") || name.equals("sys")
                || name.startsWith("template")) {
            throw new IllegalArgumentException("refusing to drop system database " + name);
        }
        try (Connection c = connect(adminDatabase())) {
            if (dialect == Dialect.POSTGRESQL) {
                dropPostgresql(c, name);
            } else {
                dropMariadb(c, name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop database " + name + " on " + describe()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Stops this instance ({@code ops/dev/databases stop <name>}) and waits until it is down. */
    public void stop() {
        runScript("stop");
    }

    /** Starts this instance ({@code ops/dev/databases start <name>}) and waits until it accepts connections. */
    public void start() {
        runScript("start");
    }

    /**
     * Restarts this instance ({@code ops/dev/databases restart <name>}: a fast shutdown, then a start) and waits until
     * it accepts connections again. Only for the fault suites' own instances: pg1, pg2 and mariadb are shared.
     */
    public void restart() {
        runScript("restart");
    }

    /** Whether a login to the admin database succeeds within a few seconds. */
    public boolean reachable() {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        if (dialect == Dialect.POSTGRESQL) {
            props.setProperty("connectTimeout", "3");  // seconds
            props.setProperty("socketTimeout", "10");
        } else {
            props.setProperty("connectTimeout", "3000");  // milliseconds
            props.setProperty("socketTimeout", "10000");
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl(adminDatabase()), props)) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The database connected to for create and drop: {@code postgres} or {@code mysql}. */
    public String adminDatabase() {
        return dialect == Dialect.POSTGRESQL ? "postgres" : "mysql";
    }

    /** For messages: {@code pg1 (postgresql 127.0.0.1:25432)}. */
    public String describe() {
        return name + " (" + dialect.configName() + " " + host + ":" + port + ")";
    }

    @Override
    public String toString() {
        // Keeps the password out of test reports.
        return "DbInstance[" + describe() + ", user=" + user + "]";
    }

    // ------------------------------------------------------------------------------------------

    private static String uniqueName(String prefix) {
        String p = prefix == null ? "" : prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (p.isEmpty()) {
            p = "test";
        }
        if (!Character.isLetter(p.charAt(0))) {
            p = "t" + p;
        }
        if (p.length() > 40) {
            p = p.substring(0, 40);
        }
        return p + "_" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
    }

    private String quote(String identifier) {
        if (dialect == Dialect.POSTGRESQL) {
            return '"' + identifier.replace("\"", "\"\"") + '"';
        }
        return '`' + identifier.replace("`", "``") + '`';
    }

    private void dropPostgresql(Connection c, String name) throws SQLException {
        SQLException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                + " WHERE datname = ? AND pid <> pg_backend_pid()")) {
                    ps.setString(1, name);
                    ps.executeQuery().close();
                }
                List<String> slots = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT slot_name FROM pg_replication_slots WHERE database = ?")) {
                    ps.setString(1, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            slots.add(rs.getString(1));
                        }
                    }
                }
                for (String slot : slots) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                                    + " WHERE slot_name = ?")) {
                        ps.setString(1, slot);
                        ps.executeQuery().close();
                    }
                }
                try (Statement st = c.createStatement()) {
                    st.execute("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
                }
                return;
            } catch (SQLException e) {
                // Typically a slot still active while its walsender exits after being terminated.
                last = e;
                sleep(100);
            }
        }
        throw last;
    }

    private void dropMariadb(Connection c, String name) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        try (Statement st = c.createStatement()) {
            for (long id : ids) {
                try {
                    st.execute("KILL CONNECTION " + id);
                } catch (SQLException gone) {
                    // already finished
                }
            }
            st.execute("DROP DATABASE IF EXISTS " + quote(name));
        }
    }

    private void runScript(String action) {
        Path script = TestDatabases.devScript();
        if (script == null || !Files.isExecutable(script)) {
            throw new IllegalStateException("cannot " + action + " " + name
                    + ": ops/dev/databases not found (set ACCOUNTSYNC_DEV_SCRIPT)");
        }
        Path out = null;
        try {
            out = Files.createTempFile("accountsync-databases-" + action + "-", ".log");
            ProcessBuilder pb = new ProcessBuilder(script.toString(), action, name)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            String devDir = TestDatabases.setting("ACCOUNTSYNC_DEV_DIR");
            if (devDir != null && !devDir.isBlank()) {
                pb.environment().put("ACCOUNTSYNC_DEV_DIR", devDir);
            }
            Process p = pb.start();
            if (!p.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(script + " " + action + " " + name + " timed out after "
                        + SCRIPT_TIMEOUT_SECONDS + " s:\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(script + " " + action + " " + name + " exited with "
                        + p.exitValue() + ":\n" + Files.readString(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + " " + action + " " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + script + " " + action + " " + name, e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // temp file
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
