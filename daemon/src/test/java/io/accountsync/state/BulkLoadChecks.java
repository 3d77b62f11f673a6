package io.accountsync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/** What {@link BulkLoad} must do on any state store (H2 in a unit test, PostgreSQL in an IT). */
final class BulkLoadChecks {
    private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");

    private BulkLoadChecks() {
    }

    static void check(StateStore store) throws Exception {
        try (Connection c = store.connect()) {
            StateDao dao = new StateDao(c);
            long tom = dao.createAccount("tom", NOW);
            dao.upsertLink("a", "7", tom, "tom", NOW);
            c.commit();
            Set<String> indexes = indexes(c);
            assertThat(indexes).contains("account_link_global_idx", "audit_log_account_idx");
            assertThat(duplicateLinkRefused(c, tom)).as("key on a new store").isTrue();

            dao.wipe();
            c.commit();
            BulkLoad.prepare(c);
            java.util.OptionalInt cache = store.shrinkCache(c);
            if (store.isH2()) {
                assertThat(cache).as("the store's own cache").hasValue(65536);
                assertThat(StateStore.h2CacheKb(c)).as("cache while loading").hasValue(StateStore.LOAD_CACHE_KB);
                try (Connection other = store.connect()) {   // its URL sets the store's size again
                    assertThat(StateStore.h2CacheKb(other)).as("cache while loading, after another connect")
                            .hasValue(StateStore.LOAD_CACHE_KB);
                }
            } else {
                assertThat(cache).as("other stores are left alone").isEmpty();
            }
            assertThat(indexes(c)).doesNotContain("account_link_global_idx", "audit_log_account_idx");
            tom = dao.createAccount("tom", NOW);
            dao.upsertLink("a", "7", tom, "tom", NOW);
            c.commit();
            assertThat(duplicateLinkRefused(c, tom)).as("key while loading").isFalse();   // the duplicate went in
            // Rows that break a key fail the build, and nothing is half built: remove them and it succeeds.
            assertThatThrownBy(() -> BulkLoad.build(c)).isInstanceOf(SQLException.class);
            c.rollback();
            try (Statement st = c.createStatement()) {
                st.executeUpdate("delete from account_link where username = 'dup'");
            }
            c.commit();
            BulkLoad.build(c);
            store.restoreCache(c, cache);
            if (store.isH2()) {
                assertThat(StateStore.h2CacheKb(c)).as("cache after the load").hasValue(65536);
                try (Connection other = store.connect()) {
                    assertThat(StateStore.h2CacheKb(other)).as("cache after the load, after another connect").hasValue(65536);
                }
            }
            BulkLoad.build(c);   // nothing missing: nothing to do
            assertThat(indexes(c)).containsAll(indexes);
            assertThat(duplicateLinkRefused(c, tom)).as("key after the build").isTrue();
            try (Statement st = c.createStatement()) {
                assertThatThrownBy(() -> new StateDao(c).createAccount("tom", NOW)).as("username key after the build")
                        .isInstanceOf(SQLException.class);
                c.rollback();
            }
        }
    }

    /** Whether a second link with the same environment and local key is refused. */
    private static boolean duplicateLinkRefused(Connection c, long account) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("insert into account_link (env, local_key, global_id, username, deleted, updated_at) "
                    + "values ('a', '7', " + account + ", 'dup', false, current_timestamp)");
            c.commit();
            return false;
        } catch (SQLException e) {
            c.rollback();
            return true;
        }
    }

    private static Set<String> indexes(Connection c) throws SQLException {
        Set<String> out = new TreeSet<>();
        DatabaseMetaData md = c.getMetaData();
        for (String table : new String[] {"account_link", "audit_log"}) {
            for (String t : new String[] {table, table.toUpperCase(java.util.Locale.ROOT)}) {
                try (ResultSet rs = md.getIndexInfo(null, null, t, false, false)) {
                    while (rs.next()) {
                        if (rs.getString("INDEX_NAME") != null) {
                            out.add(rs.getString("INDEX_NAME").toLowerCase(java.util.Locale.ROOT));
                        }
                    }
                }
            }
        }
        return out;
    }
}
