package io.accountsync.it;

import io.accountsync.model.Dialect;
import io.accountsync.testsupport.DbInstance;
import io.accountsync.testsupport.TestDatabases;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;

/**
 * One set of three environments for bootstrap tests — {@code a} on PostgreSQL pg1, {@code b} on
 * PostgreSQL pg2, {@code c} on MariaDB — each a fresh database with a generic users table; bulk
 * loading (COPY on PostgreSQL, multi-row INSERTs on MariaDB), full dumps for row-by-row comparison,
 * the configuration file, and replay of dry-run SQL files with the databases' own command-line
 * clients.
 *
 * <p>{@code updated_at} has no default here: a row accountsync creates has none, so that two
 * databases that went through the same statements hold exactly the same rows (a default of "now"
 * would differ by when the statements ran, not by what they did).
 */
public final class BulkEnvironments implements AutoCloseable {
    public static final List<String> ENVS = AccountDataSet.ENVS;
    public static final String PASSWORD_VAR = "ACCOUNTSYNC_TEST_DB_PASSWORD";
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
            .withZone(ZoneOffset.UTC);

    private final Map<String, DbInstance> instances = new LinkedHashMap<>();
    private final Map<String, String> databases = new LinkedHashMap<>();
    private final Map<String, Connection> connections = new LinkedHashMap<>();
    private final String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private final long serverId = 3_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);
    private final Path dir;
    private final String tag;

    /** Every column of a users row; updated_at as UTC text with microseconds (null when NULL). */
    public record FullRow(long id, String username, String fullName, String email, String updatedAt) {
    }

    /**
     * @param dir where configuration files and data directories go
     * @param tag distinguishes this set from another one in the same test (database and slot names)
     */
    public BulkEnvironments(Path dir, String tag) throws SQLException {
        this.dir = dir;
        this.tag = tag;
        instances.put("a", TestDatabases.pg1());
        instances.put("b", TestDatabases.pg2());
        instances.put("c", TestDatabases.mariadb());
        try {
            for (Map.Entry<String, DbInstance> e : instances.entrySet()) {
                DbInstance db = e.getValue();
                String name = db.createDatabase(tag + e.getKey());
                databases.put(e.getKey(), name);
                Connection c = open(e.getKey());
                connections.put(e.getKey(), c);
                try (Statement st = c.createStatement()) {
                    if (db.dialect() == Dialect.POSTGRESQL) {
                        st.execute("create table users (id serial primary key, username varchar(100) not null unique, "
                                + "full_name varchar(200), email varchar(255), updated_at timestamptz null)");
                        st.execute("alter table users replica identity full");
                    } else {
                        st.execute("create table users (id int auto_increment primary key, "
                                + "username varchar(100) not null unique, full_name varchar(200), email varchar(255), "
                                + "updated_at timestamp(6) null default null) character set utf8mb4");
                    }
                }
            }
        } catch (RuntimeException | SQLException e) {
            close();
            throw e;
        }
    }

    public DbInstance instance(String env) {
        return instances.get(env);
    }

    public String database(String env) {
        return databases.get(env);
    }

    public Dialect dialect(String env) {
        return instances.get(env).dialect();
    }

    public Map<String, String> processEnv() {
        return Map.of(PASSWORD_VAR, instances.get("a").password());
    }

    /** A new connection to {@code env}, session time zone UTC; the caller closes it. */
    public Connection open(String env) throws SQLException {
        Connection c = instances.get(env).connect(databases.get(env));
        try (Statement st = c.createStatement()) {
            st.execute(dialect(env) == Dialect.POSTGRESQL ? "set time zone 'UTC'" : "set time_zone = '+00:00'");
        }
        return c;
    }

    /** The fixture's own connection to {@code env} (single-threaded use). */
    public Connection connection(String env) throws SQLException {
        Connection c = connections.get(env);
        if (c == null || !c.isValid(2)) {
            c = open(env);
            connections.put(env, c);
        }
        return c;
    }

    /**
     * The configuration: {@code conflicts: newer, field}, environments a/b/c with the generic
     * profile; unique slot and publication names for this set.
     *
     * @param sqlDir      {@code sql_dir}, or null for the default
     * @param metricsPort the metrics port, or null to switch the endpoint off
     */
    public Path writeConfig(String name, boolean dryRun, Path sqlDir, Integer metricsPort) throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("data_dir: ").append(dir.resolve("data-" + name).toAbsolutePath()).append('\n');
        y.append("dry_run: ").append(dryRun).append('\n');
        if (sqlDir != null) {
            y.append("sql_dir: ").append(sqlDir.toAbsolutePath()).append('\n');
        }
        if (metricsPort == null) {
            y.append("metrics:\n  enabled: false\n");
        } else {
            y.append("metrics:\n  port: ").append(metricsPort).append('\n');
        }
        y.append("apply:\n  retry_initial: 200ms\n  retry_max: 3s\n");
        y.append("conflicts:\n  policy: newer\n  granularity: field\n");
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
            y.append("      fields:\n        display_name: full_name\n        email: email\n");
            if (db.dialect() == Dialect.POSTGRESQL) {
                y.append("    debezium:\n      slot.name: s_").append(tag).append('_').append(env).append('_').append(suffix).append('\n');
                y.append("      publication.name: p_").append(tag).append('_').append(env).append('_').append(suffix).append('\n');
            } else {
                // The default binlog client id derives from the environment's name alone: two daemons
                // (other tests) with an environment "c" on this server would throw each other off.
                y.append("    debezium:\n      database.server.id: \"").append(serverId).append("\"\n");
            }
        }
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, y.toString());
        return file;
    }

    /** Loads the data set: COPY (CSV) on PostgreSQL, multi-row INSERTs on MariaDB; rows in the set's order. */
    public void load(AccountDataSet data) throws SQLException, IOException {
        for (String env : ENVS) {
            List<AccountDataSet.Local> rows = data.rows(env);
            Connection c = connection(env);
            if (dialect(env) == Dialect.POSTGRESQL) {
                StringBuilder csv = new StringBuilder(rows.size() * 80);
                for (AccountDataSet.Local l : rows) {
                    csv.append(csv(l.username())).append(',').append(csv(l.fullName())).append(',')
                            .append(csv(l.email())).append(',')
                            .append(l.updatedAt() == null ? "" : TS.format(l.updatedAt()) + "+00").append('\n');
                }
                c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                        "COPY users (username, full_name, email, updated_at) FROM STDIN WITH (FORMAT csv)",
                        new StringReader(csv.toString()));
            } else {
                int chunk = 1000;
                for (int from = 0; from < rows.size(); from += chunk) {
                    List<AccountDataSet.Local> part = rows.subList(from, Math.min(rows.size(), from + chunk));
                    StringBuilder sql = new StringBuilder("insert into users (username, full_name, email, updated_at) values ");
                    for (int i = 0; i < part.size(); i++) {
                        sql.append(i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)");
                    }
                    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                        int p = 1;
                        for (AccountDataSet.Local l : part) {
                            ps.setString(p++, l.username());
                            ps.setString(p++, l.fullName());
                            ps.setString(p++, l.email());
                            ps.setString(p++, l.updatedAt() == null ? null : TS.format(l.updatedAt()));
                        }
                        ps.executeUpdate();
                    }
                }
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from users")) {
                rs.next();
                if (rs.getLong(1) != rows.size()) {
                    throw new IllegalStateException(env + ": loaded " + rs.getLong(1) + " rows, expected " + rows.size());
                }
            }
        }
    }

    private static String csv(String v) {
        if (v == null) {
            return "";                       // unquoted empty: NULL
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }

    /** Every row of {@code env}'s users table, every column, ordered by id. */
    public List<FullRow> dump(String env) throws SQLException {
        return dump(connection(env), dialect(env));
    }

    public static List<FullRow> dump(Connection c, Dialect dialect) throws SQLException {
        String ts = dialect == Dialect.POSTGRESQL
                ? "to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
                : "date_format(updated_at, '%Y-%m-%d %H:%i:%s.%f')";   // the session is UTC
        List<FullRow> out = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            st.setFetchSize(5000);
            try (ResultSet rs = st.executeQuery("select id, username, full_name, email, " + ts + " from users order by id")) {
                while (rs.next()) {
                    out.add(new FullRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                }
            }
        }
        return out;
    }

    /** username → (full_name, email) of {@code env}. */
    public Map<String, AccountDataSet.Fields> fields(String env) throws SQLException {
        return fields(connection(env));
    }

    public static Map<String, AccountDataSet.Fields> fields(Connection c) throws SQLException {
        Map<String, AccountDataSet.Fields> out = new HashMap<>(200_000);
        try (Statement st = c.createStatement()) {
            st.setFetchSize(5000);
            try (ResultSet rs = st.executeQuery("select username, full_name, email from users")) {
                while (rs.next()) {
                    out.put(rs.getString(1), new AccountDataSet.Fields(rs.getString(2), rs.getString(3)));
                }
            }
        }
        return out;
    }

    /** Sets full_name or email of one user and updated_at to the database's now; returns the rows changed. */
    public static int update(Connection c, Dialect dialect, String username, String column, String value) throws SQLException {
        if (!column.equals("full_name") && !column.equals("email")) {
            throw new IllegalArgumentException(column);
        }
        String now = dialect == Dialect.POSTGRESQL ? "now()" : "current_timestamp(6)";
        for (int attempt = 1; ; attempt++) {
            try (PreparedStatement ps = c.prepareStatement(
                    "update users set " + column + " = ?, updated_at = " + now + " where username = ?")) {
                ps.setString(1, value);
                ps.setString(2, username);
                return ps.executeUpdate();
            } catch (java.sql.SQLTransactionRollbackException deadlock) {
                // An application retries a deadlock victim (accountsync writes concurrently).
                if (attempt == 5) {
                    throw deadlock;
                }
            }
        }
    }

    /** Replication slots on {@code env}'s server that belong to its database (PostgreSQL; empty otherwise). */
    public List<String> replicationSlots(String env) throws SQLException {
        List<String> out = new ArrayList<>();
        if (dialect(env) != Dialect.POSTGRESQL) {
            return out;
        }
        try (PreparedStatement ps = connection(env).prepareStatement(
                "select slot_name from pg_replication_slots where database = ?")) {
            ps.setString(1, databases.get(env));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** A client's exit code and output. */
    public record ClientResult(List<String> command, int exitCode, String output) {
    }

    /**
     * Replays a dry-run file with the database's own command-line client, as the file's header says:
     * {@code psql -v ON_ERROR_STOP=1 -f FILE} (PGPASSWORD in the environment) or {@code mariadb < FILE}.
     */
    public ClientResult replay(String env, Path file) throws IOException, InterruptedException {
        DbInstance db = instances.get(env);
        List<String> cmd = new ArrayList<>();
        ProcessBuilder pb;
        if (db.dialect() == Dialect.POSTGRESQL) {
            cmd.addAll(List.of("psql", "-v", "ON_ERROR_STOP=1", "-h", db.host(), "-p", Integer.toString(db.port()),
                    "-U", db.user(), "-d", databases.get(env), "-f", file.toAbsolutePath().toString()));
            pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("PGPASSWORD", db.password());
        } else {
            cmd.addAll(List.of("mariadb", "-h", db.host(), "-P", Integer.toString(db.port()), "-u", db.user(),
                    "-p" + db.password(), databases.get(env)));
            pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(file.toFile()));
        }
        Path out = Files.createTempFile(dir, "replay-" + env + "-", ".out");
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", shown(cmd)) + " did not finish within 300 s");
        }
        return new ClientResult(shown(cmd), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private List<String> shown(List<String> cmd) {
        List<String> out = new ArrayList<>();
        for (String s : cmd) {
            out.add(s.startsWith("-p") && s.length() > 2 && !s.equals("-p") ? "-p[hidden]" : s);
        }
        return out;
    }

    /** The first few rows that differ between two dumps (by position), for failure messages. */
    public static String diff(List<FullRow> expected, List<FullRow> actual, int max) {
        List<String> out = new ArrayList<>();
        int n = Math.max(expected.size(), actual.size());
        for (int i = 0; i < n && out.size() < max; i++) {
            FullRow e = i < expected.size() ? expected.get(i) : null;
            FullRow a = i < actual.size() ? actual.get(i) : null;
            if (!Objects.equals(e, a)) {
                out.add("#" + i + ": expected " + e + " but was " + a);
            }
        }
        long total = 0;
        for (int i = 0; i < n; i++) {
            if (!Objects.equals(i < expected.size() ? expected.get(i) : null, i < actual.size() ? actual.get(i) : null)) {
                total++;
            }
        }
        return total + " of " + n + " rows differ (sizes " + expected.size() + " vs " + actual.size() + "); first: "
                + String.join("\n  ", out);
    }

    public static String utc(Instant t) {
        return t == null ? null : TS.format(t);
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
        connections.clear();
        databases.forEach((env, db) -> {
            try {
                instances.get(env).dropDatabase(db);
            } catch (RuntimeException ignored) {
                // best effort: a fresh name is used next time
            }
        });
        databases.clear();
    }
}
