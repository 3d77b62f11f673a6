package io.accountsync.state;

import io.accountsync.connect.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the state store and guards its schema version. A new (empty) store is created at the
 * current version; a store at an older version is refused until {@code accountsync upgrade} runs,
 * which copies an H2 store aside first.
 */
public final class StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    static final String MIGRATIONS = "classpath:db/state";
    public static final String UPGRADE_COMMAND = "accountsync upgrade -c <config>";

    private final String url;
    private final String user;
    private final Secret password;
    private final String[] locations;

    public StateStore(String url, String user, Secret password) {
        this(url, user, password, MIGRATIONS);
    }

    /** With other migration locations: tests use it to stage a newer schema version. */
    StateStore(String url, String user, Secret password, String... locations) {
        this.locations = locations;
        this.url = withH2Defaults(url);
        this.user = user == null ? "" : user;
        this.password = password == null ? Secret.of("") : password;
    }

    /**
     * H2: commit to the file at every commit, so a kill -9 loses nothing that was committed. (H2's
     * own exit hook may close the store while the daemon is still stopping; the daemon tolerates
     * that: a batch that fails then is simply delivered again next time. DB_CLOSE_ON_EXIT=FALSE
     * would avoid it but H2 refuses it together with AUTO_SERVER, which the CLI needs.)
     */
    private static String withH2Defaults(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        String out = url;
        if (!upper.contains("WRITE_DELAY")) {
            out += ";WRITE_DELAY=0";
        }
        if (!upper.contains("QUERY_CACHE_SIZE")) {
            // The pipeline prepares a few dozen distinct statements per connection; H2 keeps 8 parsed by
            // default, so it re-parsed most of them on every use (a fifth of the merge's time in JFR).
            out += ";QUERY_CACHE_SIZE=64";
        }
        if (!upper.matches(".*;\\s*CACHE_SIZE=.*")) {
            // H2's page cache (default 16 MB) thrashed on a store of a million accounts: pages were read and
            // deserialized again and again. 64 MB of the heap keeps the hot B-tree pages.
            out += ";CACHE_SIZE=65536";
        }
        return out;
    }

    public String url() {
        return url;
    }

    public boolean isH2() {
        return url.startsWith("jdbc:h2:");
    }

    private Flyway flyway() {
        return Flyway.configure(StateStore.class.getClassLoader())
                .dataSource(url, user, password.reveal())
                .locations(locations)
                .javaMigrations(new V2CanonicalInAccount())
                .table("flyway_schema_history")
                .loggers("slf4j")
                .load();
    }

    /** The schema's version now and the version this build expects. */
    public record Version(String current, String latest, int pending) {
        public boolean upToDate() {
            return pending == 0;
        }
    }

    public Version version() {
        ensureH2Directory();
        MigrationInfoService info = flyway().info();
        MigrationInfo current = info.current();
        MigrationInfo[] all = info.all();
        String latest = all.length == 0 ? "0" : all[all.length - 1].getVersion().getVersion();
        return new Version(current == null ? null : current.getVersion().getVersion(), latest, info.pending().length);
    }

    /**
     * Opens the store for a daemon or command: creates it when empty, refuses when it needs an
     * upgrade (naming the command), and returns it ready to use.
     */
    public StateStore openForUse() {
        Version v = version();
        if (v.current() == null) {
            LOG.info("creating state store schema version {}", v.latest());
            flyway().migrate();
        } else if (!v.upToDate()) {
            throw new StateStoreException("the state store needs an upgrade from schema version " + v.current()
                    + " to " + v.latest() + ": stop every accountsync daemon, then run `" + UPGRADE_COMMAND + "`");
        }
        tuneH2Identities();
        return this;
    }

    /** H2 identity values handed out per write of the sequence to the file. */
    static final long H2_IDENTITY_CACHE = 100_000;

    /**
     * H2 writes an identity's sequence to the file, with a commit of its own, every time its cache (32 values by
     * default) runs out; with WRITE_DELAY=0 each of those is a full store of every dirty page. The streaming pipeline
     * draws five ids per propagated change (two outbox rows, three audit rows): JFR showed these stores costing about
     * as much as all the pipeline's own commits. H2 hands out one sequence's values in order to every session, and
     * after a crash it continues past the cached range (a gap, never a repeat), so a large cache costs nothing.
     * PostgreSQL's cache is per session (ids out of order between sessions), so it is left alone there.
     */
    private void tuneH2Identities() {
        if (!isH2()) {
            return;
        }
        try (Connection c = connect(); java.sql.Statement st = c.createStatement()) {
            List<String> alter = new java.util.ArrayList<>();
            try (java.sql.PreparedStatement ps = c.prepareStatement("select table_name, column_name from"
                    + " information_schema.columns where is_identity = 'YES' and identity_cache < ?"
                    + " and table_schema = current_schema")) {
                ps.setLong(1, H2_IDENTITY_CACHE);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        alter.add("alter table \"" + rs.getString(1) + "\" alter column \"" + rs.getString(2)
                                + "\" set cache " + H2_IDENTITY_CACHE);
                    }
                }
            }
            for (String sql : alter) {
                st.execute(sql);
            }
            c.commit();
        } catch (SQLException e) {
            throw new StateStoreException("cannot tune the state store's identity columns: " + e.getMessage(), e);
        }
    }

    /**
     * Migrates the store to the latest version. An H2 store is first copied aside; the copy's path
     * is returned.
     */
    public Optional<Path> upgrade(Clock clock) {
        Version v = version();
        Optional<Path> backup = Optional.empty();
        if (v.current() != null && !v.upToDate() && isH2()) {
            Path file = h2File().orElseThrow();
            String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(clock.instant());
            Path copy = file.resolveSibling(file.getFileName() + ".before-v" + v.latest() + "-" + stamp);
            try {
                Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
            } catch (IOException e) {
                throw new StateStoreException("cannot copy the state store aside before upgrading ("
                        + e.getMessage() + "); nothing was changed", e);
            }
            LOG.info("copied state store to {} before upgrading", copy);
            backup = Optional.of(copy);
        }
        flyway().migrate();
        return backup;
    }

    /** The H2 database file, for file URLs. */
    public Optional<Path> h2File() {
        if (!url.startsWith("jdbc:h2:file:")) {
            return Optional.empty();
        }
        String rest = url.substring("jdbc:h2:file:".length());
        int semi = rest.indexOf(';');
        String base = semi < 0 ? rest : rest.substring(0, semi);
        return Optional.of(Path.of(base + ".mv.db"));
    }

    private void ensureH2Directory() {
        h2File().ifPresent(f -> {
            try {
                Files.createDirectories(f.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new StateStoreException("cannot create the state store directory " + f.getParent() + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * H2's page cache while a bootstrap loads the store, in KB. Nothing reads the loaded tables then, so the
     * store's usual 64 MB only held pages just written, which the collector then had to carry and promote:
     * with 1 MB the 1,000,000 × 3 bootstrap bench took 87 s instead of 99 s, its collection pauses 10.7 s
     * instead of 22 s (runs taken in turn, the size set in the URL).
     */
    static final int LOAD_CACHE_KB = 1024;
    private volatile boolean loadCache;

    /**
     * Shrinks H2's page cache to {@link #LOAD_CACHE_KB} for a bulk load, on {@code c} and on every connection
     * this store opens until {@link #restoreCache} (H2 applies a URL's settings again at every connect, so
     * the size would otherwise come back with the next one); the size to give back. Empty on other stores,
     * which are left alone. A CLI command connecting meanwhile (AUTO_SERVER) gives the cache its size back
     * early, which costs only speed.
     */
    public OptionalInt shrinkCache(Connection c) throws SQLException {
        if (!isH2()) {
            return OptionalInt.empty();
        }
        OptionalInt kb = h2CacheKb(c);
        if (kb.isPresent()) {
            loadCache = true;
            setCache(c, LOAD_CACHE_KB);
        }
        return kb;
    }

    /** H2's page cache size now, in KB (the database's setting: every connection sees the same). */
    static OptionalInt h2CacheKb(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select setting_value from information_schema.settings "
                     + "where setting_name = 'CACHE_SIZE'")) {
            return rs.next() ? OptionalInt.of(Integer.parseInt(rs.getString(1))) : OptionalInt.empty();
        }
    }

    /** Gives H2's page cache back the size {@link #shrinkCache} found. */
    public void restoreCache(Connection c, OptionalInt kb) throws SQLException {
        loadCache = false;
        if (kb.isPresent()) {
            setCache(c, kb.getAsInt());
        }
    }

    private static void setCache(Connection c, int kb) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET CACHE_SIZE " + kb);
        }
    }

    /** A new connection, auto-commit off. */
    public Connection connect() {
        try {
            Properties p = new Properties();
            p.setProperty("user", user);
            p.setProperty("password", password.reveal());
            Connection c = DriverManager.getConnection(url, p);
            c.setAutoCommit(false);
            if (loadCache) {
                setCache(c, LOAD_CACHE_KB);   // the URL has just set the store's own size again
            }
            return c;
        } catch (SQLException e) {
            throw new StateStoreException("cannot connect to the state store: " + e.getMessage(), e);
        }
    }
}
