package io.accountsync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-01T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("state").resolve("accountsync");
    }

    @Test
    void shouldCreateANewStoreAtTheCurrentVersion() throws Exception {
        StateStore store = new StateStore(url(), null, null).openForUse();
        assertThat(store.version().upToDate()).isTrue();
        assertThat(store.version().current()).isEqualTo("3");
        try (Connection c = store.connect()) {
            assertThat(new StateDao(c).count("account")).isZero();
        }
    }

    @Test
    void shouldLetH2HandOutIdentityValuesWithoutAStoreEvery32() throws Exception {
        StateStore store = new StateStore(url(), null, null).openForUse();
        try (Connection c = store.connect(); ResultSet rs = c.createStatement().executeQuery(
                "select lower(table_name), identity_cache from information_schema.columns where is_identity = 'YES'"
                        + " order by 1")) {
            java.util.Map<String, Long> caches = new java.util.TreeMap<>();
            while (rs.next()) {
                caches.put(rs.getString(1), rs.getLong(2));
            }
            assertThat(caches).containsOnlyKeys("account", "audit_log", "conflict", "outbox", "quarantine")
                    .allSatisfy((table, cache) -> assertThat(cache).as(table).isEqualTo(StateStore.H2_IDENTITY_CACHE));
        }
        // Ids stay in order across a reopen (a gap, never a repeat).
        long first;
        try (Connection c = store.connect()) {
            first = new StateDao(c).createAccount("tom", CLOCK.instant());
            c.commit();
        }
        StateStore again = new StateStore(url(), null, null).openForUse();
        try (Connection c = again.connect()) {
            assertThat(new StateDao(c).createAccount("huck", CLOCK.instant())).isGreaterThan(first);
            c.commit();
        }
    }

    @Test
    void shouldRefuseAStoreThatNeedsAnUpgradeAndNameTheCommand() {
        new StateStore(url(), null, null).openForUse();
        StateStore newer = new StateStore(url(), null, null, StateStore.MIGRATIONS, "classpath:db/state-next");
        assertThat(newer.version().pending()).isEqualTo(1);
        assertThatThrownBy(newer::openForUse).isInstanceOf(StateStoreException.class)
                .hasMessageContaining("needs an upgrade from schema version 3 to 900")
                .hasMessageContaining("accountsync upgrade -c");
    }

    @Test
    void shouldCopyAnH2StoreAsideBeforeUpgrading() throws Exception {
        StateStore old = new StateStore(url(), null, null).openForUse();
        try (Connection c = old.connect()) {
            new StateDao(c).createAccount("tom", CLOCK.instant());
            c.commit();
        }
        StateStore newer = new StateStore(url(), null, null, StateStore.MIGRATIONS, "classpath:db/state-next");
        Path copy = newer.upgrade(CLOCK).orElseThrow();
        assertThat(copy.getFileName().toString()).isEqualTo("accountsync.mv.db.before-v900-20260501-100000");
        assertThat(Files.size(copy)).isPositive();
        assertThat(newer.version().upToDate()).isTrue();
        newer.openForUse();
        try (Connection c = newer.connect(); ResultSet rs = c.createStatement().executeQuery("select count(*) from staged_upgrade_marker")) {
            assertThat(rs.next()).isTrue();
        }
        // The copy is the store as it was before: the account, and no trace of the new version.
        Files.copy(copy, dir.resolve("restored.mv.db"));
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("restored"));
             ResultSet rs = c.createStatement().executeQuery(
                     "select (select count(*) from account), (select count(*) from information_schema.tables where table_name = 'STAGED_UPGRADE_MARKER')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(1);
            assertThat(rs.getLong(2)).isZero();
        }
    }

    @Test
    void shouldMoveTheCanonicalValuesOfAVersion1StoreIntoTheAccountRows() throws Exception {
        StateStore store = CanonicalMigrationChecks.check(url(), "", "");
        assertThat(java.nio.file.Files.list(dir.resolve("state")).map(p -> p.getFileName().toString()))
                .as("the store copied aside first").contains("accountsync.mv.db.before-v3-20260501-100000");
        assertThat(store.version().upToDate()).isTrue();
    }

    /**
     * The pages the writers read (and the status's oldest pending patch, and one account's audit log) walk their
     * index and stop: H2 read and sorted an environment's whole outbox for each page when they were ordered by
     * id alone.
     */
    @Test
    void shouldReadOrderedPagesByWalkingTheirIndexNotBySortingTheTable() throws Exception {
        StateStore store = new StateStore(url(), null, null).openForUse();
        try (Connection c = store.connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("insert into outbox (env, global_id, local_key, kind, payload, reason, source_time, created_at) "
                    + "select case mod(x, 3) when 0 then 'a' when 1 then 'b' else 'c' end, mod(x, 50), 'k' || x, 'UPDATE', '{}', 'r', "
                    + "current_timestamp, current_timestamp from system_range(1, 3000)");
            st.execute("insert into audit_log (global_id, env, action, at) "
                    + "select mod(x, 50), 'a', 'change', current_timestamp from system_range(1, 3000)");
            c.commit();
            assertThat(scanned(c, StateDao.OUTBOX_PAGE, "b", 0L, 10)).isLessThanOrEqualTo(11);
            assertThat(scanned(c, io.accountsync.status.StoreFacts.OLDEST_PENDING, "c")).isLessThanOrEqualTo(2);
            assertThat(scanned(c, StateDao.AUDIT_OF_ACCOUNT, 7L)).isLessThanOrEqualTo(61);
            assertThat(new StateDao(c).outbox("b", 10)).hasSize(10)
                    .extracting(OutboxEntry::id).isSorted().first().isEqualTo(1L);
            assertThat(new StateDao(c).auditLog(7)).hasSize(60).extracting(StateDao.AuditEntry::id).isSorted();
        }
    }

    /**
     * The writers' question whether a refused value is already quarantined is answered from its index (schema
     * version 3): without it, H2 read the whole quarantine for every question.
     */
    @Test
    void shouldAnswerTheQuarantineLookupFromItsIndex() throws Exception {
        StateStore store = new StateStore(url(), null, null).openForUse();
        try (Connection c = store.connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("insert into quarantine (env, stage, global_id, reason, payload, created_at) "
                    + "select 'a', 'apply', x, 'too long', 'fields display_name', current_timestamp from system_range(1, 3000)");
            c.commit();
            assertThat(plan(c, StateDao.QUARANTINE_LOOKUP, "a", "apply", 2999L, "fields display_name"))
                    .contains("QUARANTINE_ACCOUNT_IDX").contains("scanCount: 2 ");
            assertThat(new StateDao(c).isQuarantined("a", "apply", 2999, "fields display_name")).isTrue();
            assertThat(new StateDao(c).isQuarantined("a", "apply", 2999, "fields email")).isFalse();
        }
    }

    /** Rows H2 read to answer {@code sql} (EXPLAIN ANALYZE's scan count), and that it needed no sort of its own. */
    private static long scanned(Connection c, String sql, Object... params) throws Exception {
        String plan = plan(c, sql, params);
        assertThat(plan).as(plan).contains("index sorted");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("scanCount: (\\d+)").matcher(plan);
        assertThat(m.find()).as(plan).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** H2's EXPLAIN ANALYZE of {@code sql} with these parameters. */
    private static String plan(Connection c, String sql, Object... params) throws Exception {
        try (java.sql.PreparedStatement ps = c.prepareStatement("explain analyze " + sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }
}
