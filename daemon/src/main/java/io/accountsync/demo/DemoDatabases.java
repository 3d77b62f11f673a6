package io.accountsync.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One embedded PostgreSQL server per environment (zonky: the server binaries ship inside the jar),
 * set up for logical decoding, on a free loopback port, with its data directory under the demo's
 * directory. The servers trade durability for speed, as test instances may; {@code wal_writer_delay}
 * is short because with {@code synchronous_commit=off} logical decoding sees a commit only once the
 * WAL writer has flushed it, and the demo measures accountsync, not the WAL writer.
 */
final class DemoDatabases implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoDatabases.class);

    /** The superuser zonky's initdb creates; trust authentication on loopback. */
    static final String USER = "postgres";

    private final Map<String, EmbeddedPostgres> servers = new LinkedHashMap<>();

    private DemoDatabases() {
    }

    /** Starts one server per name, in parallel, each under {@code dir/<name>}. */
    static DemoDatabases start(List<String> names, Path dir) throws IOException, InterruptedException {
        DemoDatabases dbs = new DemoDatabases();
        ExecutorService pool = Executors.newFixedThreadPool(names.size(), r -> new Thread(r, "demo-postgres"));
        try {
            Map<String, Future<EmbeddedPostgres>> starting = new LinkedHashMap<>();
            for (String name : names) {
                Path data = dir.resolve(name);
                Files.createDirectories(data);
                starting.put(name, pool.submit(() -> server(data)));
            }
            List<Exception> failures = new ArrayList<>();
            for (Map.Entry<String, Future<EmbeddedPostgres>> s : starting.entrySet()) {
                try {
                    dbs.servers.put(s.getKey(), s.getValue().get());
                } catch (ExecutionException e) {
                    failures.add(new IOException("PostgreSQL for " + s.getKey() + " did not start: " + e.getCause(), e.getCause()));
                }
            }
            if (!failures.isEmpty()) {
                dbs.close();
                IOException e = new IOException(failures.get(0).getMessage(), failures.get(0).getCause());
                failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
            return dbs;
        } finally {
            pool.shutdownNow();
        }
    }

    private static EmbeddedPostgres server(Path data) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)       // the demo owns the directory and removes it
                .setRegisterShutdownHook(false)     // stopped by the demo, after the daemon
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "4")
                .setServerConfig("max_wal_senders", "4")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("wal_writer_delay", "10ms")
                .setServerConfig("full_page_writes", "off")
                .start();
    }

    int port(String name) {
        return servers.get(name).getPort();
    }

    /** Creates a database on the named server. */
    void createDatabase(String name, String database) throws SQLException {
        try (Connection c = connect(name, "postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE \"" + database + "\"");
        }
    }

    Connection connect(String name, String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("ApplicationName", "accountsync-demo");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port(name) + "/" + database, p);
    }

    /** Stops every server (fast shutdown); never throws. */
    @Override
    public void close() {
        for (Map.Entry<String, EmbeddedPostgres> s : servers.entrySet()) {
            try {
                s.getValue().close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("PostgreSQL for {} did not stop cleanly: {}", s.getKey(), e.toString());
            }
        }
        servers.clear();
    }
}
