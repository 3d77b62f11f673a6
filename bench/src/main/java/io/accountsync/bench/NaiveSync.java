package io.accountsync.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The naive baseline: what the sync plugin accountsync replaces did on every cron run, faithfully and nothing
 * more. Read every environment's users table in full into memory; merge in memory (per account, the environment
 * where the user was active last wins: the same rule as the bootstrap's {@code newer} policy); then write
 * everything back, environment by environment, account by account — one {@code UPDATE} (or {@code INSERT} where
 * the account is missing) per account per environment, each its own autocommit transaction.
 */
final class NaiveSync {
    private record Account(String fullName, String email, Timestamp updatedAt) {
    }

    private NaiveSync() {
    }

    static Map<String, Object> run(Farm farm) throws SQLException {
        long t0 = System.nanoTime();
        List<Map<String, Account>> envs = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            envs.add(read(farm.db(e)));
        }
        long t1 = System.nanoTime();
        Map<String, Account> merged = new LinkedHashMap<>();
        for (Map<String, Account> env : envs) {
            for (Map.Entry<String, Account> a : env.entrySet()) {
                merged.merge(a.getKey(), a.getValue(), NaiveSync::newer);
            }
        }
        long t2 = System.nanoTime();
        Runtime rt = Runtime.getRuntime();
        long heapInUse = rt.totalMemory() - rt.freeMemory();
        long updates = 0;
        long inserts = 0;
        long changed = 0;
        for (int e = 0; e < 3; e++) {
            Map<String, Account> local = envs.get(e);
            try (Connection c = farm.db(e).connect();
                 PreparedStatement upd = c.prepareStatement("update users set full_name = ?, email = ? where username = ?");
                 PreparedStatement ins = c.prepareStatement("insert into users (username, full_name, email) values (?, ?, ?)")) {
                c.setAutoCommit(true);
                for (Map.Entry<String, Account> a : merged.entrySet()) {
                    Account v = a.getValue();
                    Account mine = local.get(a.getKey());
                    if (mine != null) {
                        upd.setString(1, v.fullName());
                        upd.setString(2, v.email());
                        upd.setString(3, a.getKey());
                        upd.executeUpdate();
                        updates++;
                        if (!v.fullName().equals(mine.fullName()) || !v.email().equals(mine.email())) {
                            changed++;
                        }
                    } else {
                        ins.setString(1, a.getKey());
                        ins.setString(2, v.fullName());
                        ins.setString(3, v.email());
                        ins.executeUpdate();
                        inserts++;
                        changed++;
                    }
                }
            }
        }
        long t3 = System.nanoTime();
        double cycle = (t3 - t0) / 1e9;
        double period = Math.max(60, cycle);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accounts_merged", merged.size());
        m.put("read_s", Stats.round((t1 - t0) / 1e9, 2));
        m.put("merge_s", Stats.round((t2 - t1) / 1e9, 2));
        m.put("write_s", Stats.round((t3 - t2) / 1e9, 2));
        m.put("cycle_s", Stats.round(cycle, 2));
        m.put("statements", updates + inserts);
        m.put("updates", updates);
        m.put("inserts", inserts);
        m.put("statements_that_changed_something", changed);
        m.put("statements_per_s", Stats.round((updates + inserts) / ((t3 - t2) / 1e9), 0));
        m.put("accounts_per_s", Stats.round(merged.size() / cycle, 0));
        m.put("heap_in_use_after_merge_mb", Stats.round(heapInUse / 1048576.0, 0));
        // Cron every 60 s (or back to back when a cycle is longer): a change waits half a period on average
        // for the next cycle, then that cycle's length.
        m.put("cron_period_s", Stats.round(period, 2));
        m.put("user_latency_avg_s", Stats.round(period / 2 + cycle, 2));
        Log.info(String.format("naive baseline: %,d accounts, cycle %.1f s (read %.1f, merge %.1f, write %.1f s,"
                + " %,d statements)", merged.size(), cycle, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9,
                updates + inserts));
        return m;
    }

    private static Account newer(Account a, Account b) {
        if (a.updatedAt() == null) {
            return b;
        }
        if (b.updatedAt() == null) {
            return a;
        }
        return b.updatedAt().after(a.updatedAt()) ? b : a;
    }

    private static Map<String, Account> read(UsersDb db) throws SQLException {
        Map<String, Account> out = new HashMap<>();
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.setFetchSize(10_000);
                try (ResultSet rs = st.executeQuery("select username, full_name, email, updated_at from users")) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new Account(rs.getString(2), rs.getString(3), rs.getTimestamp(4)));
                    }
                }
            }
            c.commit();
        }
        return out;
    }
}
