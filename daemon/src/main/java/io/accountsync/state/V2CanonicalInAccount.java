package io.accountsync.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * State-store schema version 2: each account's canonical values move from the {@code canonical_value} table (a row
 * per field) into the account's own row ({@link CanonicalValues}), and the unused {@code bootstrap_account} table
 * goes. In Java, not SQL, because H2 and PostgreSQL build JSON with different functions; in one transaction, like
 * every migration ({@code accountsync upgrade} copies an H2 store aside first).
 */
final class V2CanonicalInAccount implements JavaMigration {
    /** Accounts per JDBC batch of updates. */
    private static final int BATCH = 1_000;

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("2");
    }

    @Override
    public String getDescription() {
        return "canonical values in the account row";
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement()) {
            st.execute("alter table account add column canonical VARCHAR");
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select global_id, field, val, source_env, source_time from canonical_value "
                     + "order by global_id");
             PreparedStatement update = c.prepareStatement("update account set canonical = ? where global_id = ?")) {
            long account = 0;
            Map<String, CanonicalValue> values = new HashMap<>();
            int pending = 0;
            while (rs.next()) {
                long g = rs.getLong(1);
                if (g != account && !values.isEmpty()) {
                    pending = add(update, account, values, pending);
                }
                account = g;
                values.put(rs.getString(2), new CanonicalValue(rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant()));
            }
            if (!values.isEmpty()) {
                add(update, account, values, pending);
            }
            update.executeBatch();
        }
        try (Statement st = c.createStatement()) {
            st.execute("drop table canonical_value");
            st.execute("drop table bootstrap_account");
        }
    }

    private static int add(PreparedStatement update, long account, Map<String, CanonicalValue> values, int pending)
            throws SQLException {
        update.setString(1, CanonicalValues.encode(values));
        update.setLong(2, account);
        update.addBatch();
        values.clear();
        if (pending + 1 < BATCH) {
            return pending + 1;
        }
        update.executeBatch();
        return 0;
    }
}
