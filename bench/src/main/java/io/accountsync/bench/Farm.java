package io.accountsync.bench;

import io.accountsync.config.AccountsyncConfig;
import io.accountsync.config.ConfigLoader;
import io.accountsync.model.Dialect;
import io.accountsync.testsupport.DbInstance;
import io.accountsync.testsupport.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Three environments with the generic users table, like the daemon's integration tests: {@code a} on PostgreSQL
 * pg1, {@code b} on PostgreSQL pg2, {@code c} on MariaDB; and their configuration file (policy {@code newer},
 * granularity {@code field}, unique slot, publication and binlog client id per farm).
 */
final class Farm implements AutoCloseable {
    static final List<String> ENVS = List.of("a", "b", "c");
    static final String PASSWORD_VAR = "ACCOUNTSYNC_BENCH_DB_PASSWORD";

    /** The state store every farm's daemon uses: {@code h2} (the default file) or {@code postgresql} (on pg1). */
    static volatile String stateStoreKind = "h2";
    /** Options appended to the default H2 URL (e.g. {@code ;DB_CLOSE_DELAY=-1}), for experiments. */
    static volatile String h2Options = "";
    /** Debezium properties added to every environment (experiments, e.g. {@code poll.interval.ms=5}). */
    static final Map<String, String> DEBEZIUM = new LinkedHashMap<>();

    private final Map<String, UsersDb> dbs = new LinkedHashMap<>();
    private UsersDb stateDb;
    private final String tag = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private final long serverId = 3_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);

    Farm(String prefix) throws SQLException {
        this(prefix, true);
    }

    /** @param usersTable false for empty databases (the application fixtures create their own tables) */
    Farm(String prefix, boolean usersTable) throws SQLException {
        Map<String, DbInstance> instances = instances();
        try {
            for (Map.Entry<String, DbInstance> e : instances.entrySet()) {
                dbs.put(e.getKey(), usersTable ? UsersDb.create(e.getValue(), prefix + e.getKey())
                        : UsersDb.empty(e.getValue(), prefix + e.getKey()));
            }
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    static Map<String, DbInstance> instances() {
        Map<String, DbInstance> m = new LinkedHashMap<>();
        m.put("a", TestDatabases.pg1());
        m.put("b", TestDatabases.pg2());
        m.put("c", TestDatabases.mariadb());
        return m;
    }

    UsersDb db(String env) {
        return dbs.get(env);
    }

    UsersDb db(int index) {
        return dbs.get(ENVS.get(index));
    }

    String password() {
        return dbs.get("a").instance().password();
    }

    /**
     * Writes the configuration: generic profile on every environment, or the given profile type per environment.
     *
     * @param profiles env → profile type; null for the generic users table everywhere
     * @param extraTop YAML lines added at the top level (e.g. {@code apply:} settings); may be empty
     */
    Path writeConfig(Path dir, String name, Map<String, String> profiles, String extraTop) throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("data_dir: ").append(dir.resolve("data-" + name).toAbsolutePath()).append('\n');
        y.append("dry_run: false\n");
        y.append(stateStore(dir.resolve("data-" + name)));
        y.append("metrics:\n  enabled: false\n");
        y.append(extraTop == null || extraTop.isEmpty() ? "apply:\n  retry_initial: 200ms\n  retry_max: 3s\n" : extraTop);
        y.append("conflicts:\n  policy: newer\n  granularity: field\n");
        y.append("environments:\n");
        for (String env : ENVS) {
            UsersDb db = dbs.get(env);
            DbInstance in = db.instance();
            y.append("  ").append(env).append(":\n");
            y.append("    dialect: ").append(in.dialect().configName()).append('\n');
            y.append("    connection:\n");
            y.append("      host: ").append(in.host()).append('\n');
            y.append("      port: ").append(in.port()).append('\n');
            y.append("      database: ").append(db.database()).append('\n');
            y.append("      user: ").append(in.user()).append('\n');
            y.append("      password: ${").append(PASSWORD_VAR).append("}\n");
            if (profiles == null) {
                y.append("    profile:\n      type: generic\n      table: users\n      key_column: id\n");
                y.append("      username_column: username\n      last_activity_column: updated_at\n");
                y.append("      fields:\n        display_name: full_name\n        email: email\n");
            } else {
                y.append("    profile:\n      type: ").append(profiles.get(env)).append('\n');
            }
            if (in.dialect() == Dialect.POSTGRESQL) {
                y.append("    debezium:\n      slot.name: bench_").append(env).append('_').append(tag).append('\n');
                y.append("      publication.name: bench_").append(env).append('_').append(tag).append('\n');
            } else {
                y.append("    debezium:\n      database.server.id: \"").append(serverId).append("\"\n");
            }
            DEBEZIUM.forEach((k, v) -> y.append("      ").append(k).append(": \"").append(v).append("\"\n"));
        }
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, y.toString());
        return file;
    }

    private String stateStore(Path dataDir) {
        if ("postgresql".equals(stateStoreKind)) {
            if (stateDb == null) {
                stateDb = UsersDb.empty(TestDatabases.pg1(), "benchstate");
            }
            DbInstance in = stateDb.instance();
            return "state_store:\n  url: jdbc:postgresql://" + in.host() + ":" + in.port() + "/" + stateDb.database()
                    + "\n  user: " + in.user() + "\n  password: ${" + PASSWORD_VAR + "}\n";
        }
        if (!h2Options.isEmpty()) {
            return "state_store:\n  url: \"jdbc:h2:file:" + dataDir.resolve("state").resolve("accountsync").toAbsolutePath()
                    + ";AUTO_SERVER=TRUE" + h2Options + "\"\n";
        }
        return "";
    }

    /** Loads a configuration written by {@link #writeConfig}, with this farm's password. */
    AccountsyncConfig load(Path config) throws Exception {
        String pw = password();
        return ConfigLoader.load(config, v -> PASSWORD_VAR.equals(v) ? pw : System.getenv(v));
    }

    @Override
    public void close() {
        dbs.values().forEach(UsersDb::close);
        if (stateDb != null) {
            stateDb.close();
        }
    }
}
