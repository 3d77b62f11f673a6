package io.accountsync.bench;

import io.accountsync.model.Dialect;
import io.accountsync.testsupport.apps.MediaWikiFixture;
import io.accountsync.testsupport.apps.MoodleFixture;
import io.accountsync.testsupport.apps.TracFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The streaming bench on a mixed farm — Trac on PostgreSQL pg1 ({@code a}), Moodle on PostgreSQL pg2
 * ({@code b}), MediaWiki on MariaDB ({@code c}) — with the built-in profiles, every change made the way the
 * application itself makes it (the fixtures: Trac's session save deletes and re-inserts the attributes,
 * MediaWiki's saveSettings is a compare-and-set on user_touched plus the actor row, Moodle's user_update_user).
 * The changed field is the email address, which is one column in all three.
 */
final class AppsStreamingBench {
    private static final long SEED = 20_260_101L;
    private static final String DOMAIN = "@bench.example.org";

    private AppsStreamingBench() {
    }

    static Map<String, Object> run(Sizes sizes, Path work) throws Exception {
        int n = sizes.appsAccounts();
        try (Farm farm = new Farm("benchapps", false)) {
            List<MoodleFixture.User> people = MoodleFixture.users(SEED, n);
            Trac trac = new Trac(farm.db("a"), people);
            Moodle moodle = new Moodle(farm.db("b"), people);
            Wiki wiki = new Wiki(farm.db("c"), people);
            long t0 = System.nanoTime();
            List<Thread> loaders = new ArrayList<>();
            Throwable[] failure = new Throwable[1];
            for (Populated p : List.of(trac, moodle, wiki)) {
                Thread t = new Thread(() -> {
                    try {
                        p.populate();
                    } catch (Throwable x) {
                        synchronized (failure) {
                            failure[0] = x;
                        }
                    }
                }, "bench-populate");
                loaders.add(t);
                t.start();
            }
            for (Thread t : loaders) {
                t.join();
            }
            if (failure[0] != null) {
                throw new IllegalStateException("populating the application farm failed", failure[0]);
            }
            Log.info(String.format("apps: %,d people in Trac, Moodle and MediaWiki in %.1f s", n,
                    (System.nanoTime() - t0) / 1e9));
            Path config = farm.writeConfig(work, "apps", Map.of("a", "trac", "b", "moodle", "c", "mediawiki"), null);
            int seconds = Math.max(1, Math.min(sizes.latencySeconds(), n / sizes.latencyRate()));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("profiles", "a: trac on PostgreSQL, b: moodle on PostgreSQL, c: mediawiki on MariaDB");
            out.put("changed_field", "email, each change one application save (its own transaction)");
            out.putAll(StreamingBench.measure(farm, config, List.of(trac, moodle, wiki), n, sizes.appsBurst(),
                    sizes.latencyRate(), seconds));
            return out;
        }
    }

    private interface Populated {
        void populate() throws SQLException;
    }

    /** Trac: the account's sid is the username; the email is a session attribute. */
    private static final class Trac implements BenchEnv, Populated {
        private final UsersDb db;
        private final List<MoodleFixture.User> people;
        private final Map<String, Integer> accountOf = new HashMap<>();

        Trac(UsersDb db, List<MoodleFixture.User> people) {
            this.db = db;
            this.people = people;
            for (int i = 0; i < people.size(); i++) {
                accountOf.put(people.get(i).username(), i);
            }
        }

        @Override
        public void populate() throws SQLException {
            try (Connection c = connect()) {
                TracFixture.create(c, Dialect.POSTGRESQL, "");
                long t = MoodleFixture.now() - 86_400;
                for (MoodleFixture.User u : people) {
                    TracFixture.addUser(c, Dialect.POSTGRESQL, "", u.username(), displayName(u), u.email(), t);
                }
            }
        }

        @Override
        public String name() {
            return "a";
        }

        @Override
        public Connection connect() throws SQLException {
            return db.connect();
        }

        @Override
        public String value(String token) {
            return token + DOMAIN;
        }

        @Override
        public void write(Connection c, int account, String value) throws SQLException {
            MoodleFixture.User u = people.get(account);
            TracFixture.save(c, Dialect.POSTGRESQL, "", u.username(), TracFixture.attrs("name", displayName(u), "email", value));
        }

        @Override
        public long countPrefix(Connection c, String prefix) throws SQLException {
            return count(c, "select count(*) from session_attribute where authenticated = 1 and name = 'email'"
                    + " and value like ?", prefix);
        }

        @Override
        public Map<Integer, String> read(Connection c, Collection<Integer> accounts) throws SQLException {
            List<String> keys = new ArrayList<>();
            accounts.forEach(a -> keys.add(people.get(a).username()));
            return BenchEnv.readByKeys(c, true, "select sid, value from session_attribute where authenticated = 1"
                    + " and name = 'email' and sid", keys, accountOf, false);
        }
    }

    /** Moodle: mdl_user, keyed by id. */
    private static final class Moodle implements BenchEnv, Populated {
        private final UsersDb db;
        private final List<MoodleFixture.User> people;
        private final List<Long> ids = new ArrayList<>();
        private final Map<String, Integer> accountOf = new HashMap<>();

        Moodle(UsersDb db, List<MoodleFixture.User> people) {
            this.db = db;
            this.people = people;
        }

        @Override
        public void populate() throws SQLException {
            try (Connection c = connect()) {
                MoodleFixture.create(c, Dialect.POSTGRESQL, MoodleFixture.PREFIX);
                long t = MoodleFixture.now() - 86_400;
                for (int i = 0; i < people.size(); i++) {
                    long id = MoodleFixture.addUser(c, MoodleFixture.PREFIX, people.get(i), t);
                    ids.add(id);
                    accountOf.put(Long.toString(id), i);
                }
            }
        }

        @Override
        public String name() {
            return "b";
        }

        @Override
        public Connection connect() throws SQLException {
            return db.connect();
        }

        @Override
        public String value(String token) {
            return token + DOMAIN;
        }

        @Override
        public void write(Connection c, int account, String value) throws SQLException {
            MoodleFixture.updateUser(c, MoodleFixture.PREFIX, ids.get(account), Map.of("email", value),
                    MoodleFixture.now());
        }

        @Override
        public long countPrefix(Connection c, String prefix) throws SQLException {
            return count(c, "select count(*) from " + MoodleFixture.PREFIX + "user where email like ?", prefix);
        }

        @Override
        public Map<Integer, String> read(Connection c, Collection<Integer> accounts) throws SQLException {
            List<String> keys = new ArrayList<>();
            accounts.forEach(a -> keys.add(Long.toString(ids.get(a))));
            return BenchEnv.readByKeys(c, true, "select id, email from " + MoodleFixture.PREFIX + "user where id", keys,
                    accountOf, true);
        }
    }

    /** MediaWiki on MariaDB: the user table, keyed by user_id. */
    private static final class Wiki implements BenchEnv, Populated {
        private final UsersDb db;
        private final List<MoodleFixture.User> people;
        private final List<Long> ids = new ArrayList<>();
        private final Map<String, Integer> accountOf = new HashMap<>();

        Wiki(UsersDb db, List<MoodleFixture.User> people) {
            this.db = db;
            this.people = people;
        }

        @Override
        public void populate() throws SQLException {
            try (Connection c = connect()) {
                MediaWikiFixture.create(c, Dialect.MARIADB, "");
                for (int i = 0; i < people.size(); i++) {
                    MoodleFixture.User u = people.get(i);
                    long id = MediaWikiFixture.addUser(c, Dialect.MARIADB, "", u.username(), displayName(u), u.email(), true);
                    ids.add(id);
                    accountOf.put(Long.toString(id), i);
                }
            }
        }

        @Override
        public String name() {
            return "c";
        }

        @Override
        public Connection connect() throws SQLException {
            return db.connect();
        }

        @Override
        public String value(String token) {
            return token + DOMAIN;
        }

        @Override
        public void write(Connection c, int account, String value) throws SQLException {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                MediaWikiFixture.saveSettings(c, Dialect.MARIADB, "", ids.get(account), s -> s.withEmail(value));
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }

        @Override
        public long countPrefix(Connection c, String prefix) throws SQLException {
            return count(c, "select count(*) from " + MediaWikiFixture.table(Dialect.MARIADB, "", "user")
                    + " where user_email like ?", prefix);
        }

        @Override
        public Map<Integer, String> read(Connection c, Collection<Integer> accounts) throws SQLException {
            List<String> keys = new ArrayList<>();
            accounts.forEach(a -> keys.add(Long.toString(ids.get(a))));
            return BenchEnv.readByKeys(c, false, "select user_id, user_email from "
                    + MediaWikiFixture.table(Dialect.MARIADB, "", "user") + " where user_id", keys, accountOf, true);
        }
    }

    private static String displayName(MoodleFixture.User u) {
        return (u.firstname() + " " + u.lastname()).trim();
    }

    private static long count(Connection c, String sql, String prefix) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
