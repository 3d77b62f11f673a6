package io.accountsync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accountsync.connect.Secret;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * Schema version 2 on a store of version 1, on H2 ({@link StateStoreTest}) and PostgreSQL
 * ({@link StateStorePostgresIT}): the canonical values move into the account rows, every value and its source
 * kept, and the old tables go.
 */
final class CanonicalMigrationChecks {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-01T10:00:00Z"), ZoneOffset.UTC);
    /** More accounts with values than the migration's JDBC batch, so that more than one batch runs. */
    private static final int MANY = 2_345;

    private CanonicalMigrationChecks() {
    }

    static StateStore check(String url, String user, String password) throws SQLException {
        Flyway.configure(StateStore.class.getClassLoader()).dataSource(url, user, password)
                .locations(StateStore.MIGRATIONS).table("flyway_schema_history").target("1").load().migrate();
        Instant t1 = Instant.parse("2026-04-01T08:00:00.123456Z");
        Instant t2 = Instant.parse("2026-04-02T09:30:00Z");
        try (Connection c = java.sql.DriverManager.getConnection(url, user, password);
             PreparedStatement account = c.prepareStatement(
                     "insert into account (global_id, username_key, created_at) values (?, ?, ?)");
             PreparedStatement value = c.prepareStatement("insert into canonical_value (global_id, field, val, "
                     + "source_env, source_time, updated_at) values (?, ?, ?, ?, ?, ?)")) {
            for (long g = 1; g <= MANY + 1; g++) {
                account.setLong(1, g);
                account.setString(2, "user" + g);
                account.setTimestamp(3, Timestamp.from(t1));
                account.addBatch();
            }
            account.executeBatch();
            // Account 1: two fields, one of them null; accounts 2..MANY: one field each; the last: none.
            addValue(value, 1, "email", "tom@example.org", "wiki", t1);
            addValue(value, 1, "display_name", null, "trac", t2);
            for (long g = 2; g <= MANY; g++) {
                addValue(value, g, "email", "user" + g + "@example.org", "moodle", t2);
            }
            value.executeBatch();
        }
        StateStore store = new StateStore(url, user, Secret.of(password));
        assertThat(store.version().current()).isEqualTo("1");
        assertThat(store.version().pending()).isEqualTo(2);
        assertThatThrownBy(store::openForUse).isInstanceOf(StateStoreException.class)
                .hasMessageContaining("needs an upgrade from schema version 1 to 3");
        store.upgrade(CLOCK);
        store.openForUse();
        assertThat(store.version().current()).isEqualTo("3");
        try (Connection c = store.connect()) {
            StateDao dao = new StateDao(c);
            assertThat(dao.canonical(1)).isEqualTo(Map.of(
                    "email", new CanonicalValue("tom@example.org", "wiki", t1),
                    "display_name", new CanonicalValue(null, "trac", t2)));
            for (long g = 2; g <= MANY; g++) {
                assertThat(dao.canonical(g)).as("account %d", g)
                        .isEqualTo(Map.of("email", new CanonicalValue("user" + g + "@example.org", "moodle", t2)));
            }
            assertThat(dao.canonical(MANY + 1)).isEmpty();
            assertThat(dao.canonicalText(MANY + 1)).isNull();
            try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                java.util.Set<String> tables = new java.util.HashSet<>();
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
                }
                assertThat(tables).contains("account", "account_link").doesNotContain("canonical_value", "bootstrap_account");
            }
            // The store goes on: a value set now joins the migrated ones.
            dao.setCanonical(1, "email_verified", new CanonicalValue("true", "wiki", t2));
            c.commit();
            assertThat(dao.canonical(1)).containsOnlyKeys("email", "display_name", "email_verified");
        }
        return store;
    }

    private static void addValue(PreparedStatement ps, long g, String field, String val, String env, Instant t)
            throws SQLException {
        ps.setLong(1, g);
        ps.setString(2, field);
        ps.setString(3, val);
        ps.setString(4, env);
        ps.setTimestamp(5, Timestamp.from(t));
        ps.setTimestamp(6, Timestamp.from(t));
        ps.addBatch();
    }
}
