package io.accountsync.it;

import static org.awaitility.Awaitility.await;

import io.accountsync.model.Dialect;
import io.accountsync.testsupport.DbInstance;
import io.accountsync.testsupport.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Three environments with a generic users table: {@code a} on PostgreSQL pg1, {@code b} on
 * PostgreSQL pg2, {@code c} on MariaDB; a config file for them; helpers to write and compare.
 */
public final class ThreeEnvFixture implements AutoCloseable {
    public static final List<String> ENVS = List.of("a", "b", "c");
    public static final String PASSWORD_VAR = "ACCOUNTSYNC_TEST_DB_PASSWORD";

    private final Map<String, DbInstance> instances = new LinkedHashMap<>();
    private final Map<String, String> databases = new LinkedHashMap<>();
    private final Map<String, Connection> connections = new LinkedHashMap<>();
    private final String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private final Path dir;
    public final int metricsPort;

    public record Row(String username, String fullName, String email) {
    }

    public ThreeEnvFixture(Path dir) throws SQLException, IOException {
        this(dir, 400, 400, 200);
    }

    /** With the full_name column lengths per environment (to provoke values that cannot fit). */
    public ThreeEnvFixture(Path dir, int nameLenA, int nameLenB, int nameLenC) throws SQLException, IOException {
        this(dir, TestDatabases.pg1(), TestDatabases.pg2(), TestDatabases.mariadb(), nameLenA, nameLenB, nameLenC);
    }

    /** On other instances than pg1, pg2 and mariadb ({@code a} and {@code b} PostgreSQL, {@code c} MariaDB). */
    public ThreeEnvFixture(Path dir, DbInstance envA, DbInstance envB, DbInstance envC) throws SQLException, IOException {
        this(dir, envA, envB, envC, 400, 400, 200);
    }

    private ThreeEnvFixture(Path dir, DbInstance envA, DbInstance envB, DbInstance envC, int nameLenA, int nameLenB,
                            int nameLenC) throws SQLException, IOException {
        this.dir = dir;
        instances.put("a", envA);
        instances.put("b", envB);
        instances.put("c", envC);
        Map<String, Integer> lens = Map.of("a", nameLenA, "b", nameLenB, "c", nameLenC);
        for (Map.Entry<String, DbInstance> e : instances.entrySet()) {
            DbInstance db = e.getValue();
            String name = db.createDatabase("sync" + e.getKey());
            databases.put(e.getKey(), name);
            Connection c = db.connect(name);
            connections.put(e.getKey(), c);
            try (Statement st = c.createStatement()) {
                if (db.dialect() == Dialect.POSTGRESQL) {
                    st.execute("create table users (id serial primary key, username varchar(100) not null unique, "
                            + "full_name varchar(" + lens.get(e.getKey()) + "), email varchar(255), "
                            + "email_verified boolean not null default false, updated_at timestamptz default now())");
                    st.execute("alter table users replica identity full");
                } else {
                    st.execute("create table users (id int auto_increment primary key, username varchar(100) not null unique, "
                            + "full_name varchar(" + lens.get(e.getKey()) + "), email varchar(255), "
                            + "email_verified tinyint(1) not null default 0, "
                            + "updated_at timestamp(6) default current_timestamp(6)) character set utf8mb4");
                }
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
    }

    public DbInstance instance(String env) {
        return instances.get(env);
    }

    /** The database created for an environment. */
    public String database(String env) {
        return databases.get(env);
    }

    /** The replication slot the configuration names for a PostgreSQL environment. */
    public String slot(String env) {
        return "s_" + env + "_" + suffix;
    }

    public Map<String, String> processEnv() {
        return Map.of(PASSWORD_VAR, instances.get("a").password());
    }

    /** The configuration file; {@code extra} is appended to every environment block (indented already). */
    public Path writeConfig(String name, boolean dryRun, String extraTop) throws IOException {
        return writeConfig(name, dryRun, extraTop, Map.of());
    }

    /** With extra lines per environment (already indented by 4 spaces), e.g. {@code "    role: source\n"}. */
    public Path writeConfig(String name, boolean dryRun, String extraTop, Map<String, String> envExtra) throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("data_dir: ").append(dir.resolve("data-" + name)).append('\n');
        y.append("dry_run: ").append(dryRun).append('\n');
        y.append("metrics:\n  port: ").append(metricsPort).append('\n');
        y.append("apply:\n  retry_initial: 200ms\n  retry_max: 3s\n");
        // The first loop's rule unless a test says otherwise: the later commit wins, field by field.
        y.append(extraTop != null ? extraTop : "conflicts:\n  policy: newer\n  granularity: field\n");
        y.append("environments:\n");
        for (String env : ENVS) {
            DbInstance db = instances.get(env);
            y.append("  ").append(env).append(":\n");
            y.append("    dialect: ").append(db.dialect().configName()).append('\n');
            y.append("    connection:\n");
            y.append("      host: ").append(db.host()).append('\n');
            y.append("      port: ").append(db.port()).append('\n');
            y.append("      database: ").append(databases.get(env)).append('\n');
            y.append("      user: ").append(db.user()).append('\n');
            y.append("      password: ${").append(PASSWORD_VAR).append("}\n");
            y.append("    profile:\n      type: generic\n      table: users\n      key_column: id\n");
            y.append("      username_column: username\n      last_activity_column: updated_at\n");
            y.append("      fields:\n        display_name: full_name\n        email: email\n        email_verified: email_verified\n");
            y.append(envExtra.getOrDefault(env, ""));
            if (db.dialect() == Dialect.POSTGRESQL) {
                y.append("    debezium:\n      slot.name: ").append(slot(env)).append('\n');
                y.append("      publication.name: p_").append(env).append('_').append(suffix).append('\n');
            }
        }
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, y.toString());
        return file;
    }

    /** The test's own connection to an environment, re-opened after an instance restart. */
    public Connection connection(String env) throws SQLException {
        Connection c = connections.get(env);
        if (c == null || !c.isValid(2)) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // it was broken
                }
            }
            c = instances.get(env).connect(databases.get(env));
            connections.put(env, c);
        }
        return c;
    }

    public void insert(String env, String username, String fullName, String email) throws SQLException {
        try (PreparedStatement ps = connection(env).prepareStatement(
                "insert into users (username, full_name, email) values (?, ?, ?)")) {
            ps.setString(1, username);
            ps.setString(2, fullName);
            ps.setString(3, email);
            ps.executeUpdate();
        }
    }

    /** Inserts an account with its last activity and verification. */
    public void insert(String env, String username, String fullName, String email, java.time.Instant updatedAt,
                       boolean verified) throws SQLException {
        try (PreparedStatement ps = connection(env).prepareStatement(
                "insert into users (username, full_name, email, updated_at, email_verified) values (?, ?, ?, ?, ?)")) {
            ps.setString(1, username);
            ps.setString(2, fullName);
            ps.setString(3, email);
            ps.setTimestamp(4, java.sql.Timestamp.from(updatedAt));
            ps.setBoolean(5, verified);
            ps.executeUpdate();
        }
    }

    /** Runs one statement in an environment (test setup and edits). */
    public int execute(String env, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = connection(env).prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    /** Whether the user's email is verified in an environment. */
    public boolean verified(String env, String username) throws SQLException {
        try (PreparedStatement ps = connection(env).prepareStatement("select email_verified from users where username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError(username + " missing in " + env);
                }
                return rs.getBoolean(1);
            }
        }
    }

    /** Sets full_name or email of one user; returns the rows changed. */
    public int update(String env, String username, String column, String value) throws SQLException {
        if (!column.equals("full_name") && !column.equals("email")) {
            throw new IllegalArgumentException(column);
        }
        String now = instances.get(env).dialect() == Dialect.POSTGRESQL ? "now()" : "current_timestamp(6)";
        for (int attempt = 1; ; attempt++) {
            try (PreparedStatement ps = connection(env).prepareStatement(
                    "update users set " + column + " = ?, updated_at = " + now + " where username = ?")) {
                ps.setString(1, value);
                ps.setString(2, username);
                return ps.executeUpdate();
            } catch (java.sql.SQLTransactionRollbackException deadlock) {
                // An application retries a deadlock victim; so does this one (accountsync writes concurrently).
                if (attempt == 5) {
                    throw deadlock;
                }
            }
        }
    }

    public Map<String, Row> rows(String env) throws SQLException {
        Map<String, Row> out = new TreeMap<>();
        try (Statement st = connection(env).createStatement();
             ResultSet rs = st.executeQuery("select username, full_name, email from users")) {
            while (rs.next()) {
                out.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return out;
    }

    public Row row(String env, String username) throws SQLException {
        return rows(env).get(username);
    }

    public boolean converged() throws SQLException {
        Map<String, Row> a = rows("a");
        return a.equals(rows("b")) && a.equals(rows("c"));
    }

    /** Describes the first few differences between the environments, for failure messages. */
    public String differences() throws SQLException {
        Map<String, Row> a = rows("a");
        Map<String, Row> b = rows("b");
        Map<String, Row> c = rows("c");
        List<String> out = new ArrayList<>();
        java.util.Set<String> all = new java.util.TreeSet<>(a.keySet());
        all.addAll(b.keySet());
        all.addAll(c.keySet());
        for (String u : all) {
            if (!Objects.equals(a.get(u), b.get(u)) || !Objects.equals(a.get(u), c.get(u))) {
                out.add(u + ": a=" + a.get(u) + " b=" + b.get(u) + " c=" + c.get(u));
                if (out.size() >= 5) {
                    break;
                }
            }
        }
        return out.size() + "+ differences: " + String.join("; ", out);
    }

    public void awaitConverged(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(this::converged);
    }

    @Override
    public void close() {
        for (Connection c : connections.values()) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // dropping anyway
            }
        }
        databases.forEach((env, db) -> {
            try {
                instances.get(env).dropDatabase(db);
            } catch (RuntimeException ignored) {
                // best effort: a fresh name is used next time
            }
        });
    }
}
