package io.accountsync.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One environment as the streaming bench drives it: how an application changes one account's synced value, and
 * how to read it back. Accounts are numbered 0..n-1 in every environment alike; a value is made from a token.
 */
interface BenchEnv {

    String name();

    Connection connect() throws SQLException;

    /** The value stored for a token (a display name as is; an email address around it). */
    String value(String token);

    /** Changes account {@code account} to {@code value} as the application would, committed when it returns. */
    void write(Connection c, int account, String value) throws SQLException;

    /** A burst's share of changes; the default commits each as {@link #write} does. */
    default void writeAll(Connection c, List<Integer> accounts, List<String> values) throws SQLException {
        for (int i = 0; i < accounts.size(); i++) {
            write(c, accounts.get(i), values.get(i));
        }
    }

    /** How many accounts hold a value starting with {@code prefix} (letters, digits, '-'). */
    long countPrefix(Connection c, String prefix) throws SQLException;

    /** The current value of each of the accounts (missing ones absent). */
    Map<Integer, String> read(Connection c, Collection<Integer> accounts) throws SQLException;

    /** Reads {@code select key, value ... where key in (keys)} into account → value; keys are the accounts' keys. */
    static Map<Integer, String> readByKeys(Connection c, boolean postgres, String sqlBeforeIn, List<String> keys,
                                          Map<String, Integer> accountOfKey, boolean numericKeys) throws SQLException {
        Map<Integer, String> out = new HashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        if (postgres) {
            try (PreparedStatement ps = c.prepareStatement(sqlBeforeIn + " = any(?)")) {
                Array a = numericKeys
                        ? c.createArrayOf("int8", keys.stream().map(Long::valueOf).toArray())
                        : c.createArrayOf("varchar", keys.toArray());
                ps.setArray(1, a);
                collect(ps.executeQuery(), accountOfKey, out);
            }
        } else {
            StringBuilder sql = new StringBuilder(sqlBeforeIn).append(" in (");
            for (int i = 0; i < keys.size(); i++) {
                sql.append(i == 0 ? "" : ",").append(numericKeys ? Long.toString(Long.parseLong(keys.get(i)))
                        : UsersDb.literal(keys.get(i)));
            }
            try (Statement st = c.createStatement()) {
                collect(st.executeQuery(sql.append(')').toString()), accountOfKey, out);
            }
        }
        return out;
    }

    private static void collect(ResultSet rs, Map<String, Integer> accountOfKey, Map<Integer, String> out)
            throws SQLException {
        try (rs) {
            while (rs.next()) {
                Integer account = accountOfKey.get(rs.getString(1));
                if (account != null) {
                    out.put(account, io.accountsync.testsupport.apps.MediaWikiFixture.text(rs.getObject(2)));
                }
            }
        }
    }

    /** The generic users table: the display name is {@code full_name}; a burst commits 100 updates at a time. */
    final class Generic implements BenchEnv {
        private static final int BURST_TX = 100;
        private final String name;
        private final UsersDb db;

        Generic(String name, UsersDb db) {
            this.name = name;
            this.db = db;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Connection connect() throws SQLException {
            return db.connect();
        }

        @Override
        public String value(String token) {
            return token;
        }

        @Override
        public void write(Connection c, int account, String value) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("update users set full_name = ? where username = ?")) {
                ps.setString(1, value);
                ps.setString(2, DataSet.username(account));
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("no account " + DataSet.username(account) + " in " + name);
                }
            }
        }

        @Override
        public void writeAll(Connection c, List<Integer> accounts, List<String> values) throws SQLException {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("update users set full_name = ? where username = ?")) {
                for (int i = 0; i < accounts.size(); i++) {
                    ps.setString(1, values.get(i));
                    ps.setString(2, DataSet.username(accounts.get(i)));
                    ps.addBatch();
                    if ((i + 1) % BURST_TX == 0 || i == accounts.size() - 1) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
            } finally {
                c.setAutoCommit(true);
            }
        }

        @Override
        public long countPrefix(Connection c, String prefix) throws SQLException {
            return db.countNamePrefix(c, prefix);
        }

        @Override
        public Map<Integer, String> read(Connection c, Collection<Integer> accounts) throws SQLException {
            List<String> keys = new ArrayList<>(accounts.size());
            Map<String, Integer> of = new HashMap<>();
            for (Integer a : accounts) {
                String u = DataSet.username(a);
                keys.add(u);
                of.put(u, a);
            }
            return readByKeys(c, db.postgres(), "select username, full_name from users where username", keys, of, false);
        }
    }
}
