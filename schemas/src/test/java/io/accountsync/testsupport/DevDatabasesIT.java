package io.accountsync.testsupport;

import io.accountsync.model.Dialect;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The private databases from {@code ops/dev/databases} work and are configured for CDC. */
class DevDatabasesIT {

    @Test
    void pg1RoundTripsARowAndHasLogicalWal() throws SQLException {
        DbInstance db = TestDatabases.pg1();
        roundTrip(db);
        assertPostgresqlCdcReady(db);
    }

    @Test
    void pg2RoundTripsARowAndHasLogicalWal() throws SQLException {
        DbInstance db = TestDatabases.pg2();
        roundTrip(db);
        assertPostgresqlCdcReady(db);
    }

    @Test
    void mariadbRoundTripsARowAndHasRowBinlog() throws SQLException {
        DbInstance db = TestDatabases.mariadb();
        roundTrip(db);

        try (Connection c = db.connect(db.adminDatabase()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN"
                     + " ('log_bin', 'binlog_format', 'binlog_row_image')")) {
            Map<String, String> vars = new HashMap<>();
            while (rs.next()) {
                vars.put(rs.getString(1).toLowerCase(), rs.getString(2));
            }
            assertThat(vars)
                    .containsEntry("log_bin", "ON")
                    .containsEntry("binlog_format", "ROW")
                    .containsEntry("binlog_row_image", "FULL");
        }
    }

    @Test
    void postgresqlDropRemovesReplicationSlotsOfTheDatabase() throws SQLException {
        DbInstance db = TestDatabases.pg1();
        String name = db.createDatabase("DevDatabasesIT_Slot");
        try (Connection c = db.connect(name); Statement st = c.createStatement()) {
            st.execute("SELECT pg_create_logical_replication_slot('" + name + "', 'pgoutput')");
        }
        db.dropDatabase(name);

        try (Connection c = db.connect(db.adminDatabase());
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ? OR database = ?")) {
            ps.setString(1, name);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isZero();
            }
        }
        assertThat(databaseExists(db, name)).isFalse();
    }

    private static void roundTrip(DbInstance db) throws SQLException {
        assertThat(db.reachable()).isTrue();
        String name = db.createDatabase("DevDatabasesIT");
        assertThat(name).startsWith("devdatabasesit_").matches("[a-z0-9_]+");
        try {
            assertThat(databaseExists(db, name)).isTrue();
            try (Connection c = db.connect(name)) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE account (id INT PRIMARY KEY, user_name VARCHAR(255) NOT NULL)");
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO account (id, user_name) VALUES (?, ?)")) {
                    ps.setInt(1, 1);
                    ps.setString(2, "Zoë");
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT id, user_name FROM account")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                    assertThat(rs.getString(2)).isEqualTo("Zoë");
                    assertThat(rs.next()).isFalse();
                }
            }
        } finally {
            db.dropDatabase(name);
        }
        assertThat(databaseExists(db, name)).isFalse();
    }

    private static void assertPostgresqlCdcReady(DbInstance db) throws SQLException {
        assertThat(db.dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(db.jdbcUrl("x")).contains("stringtype=unspecified");
        try (Connection c = db.connect(db.adminDatabase()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW wal_level")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("logical");
        }
    }

    private static boolean databaseExists(DbInstance db, String name) throws SQLException {
        String sql = db.dialect() == Dialect.POSTGRESQL
                ? "SELECT 1 FROM pg_database WHERE datname = ?"
                : "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?";
        try (Connection c = db.connect(db.adminDatabase()); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
