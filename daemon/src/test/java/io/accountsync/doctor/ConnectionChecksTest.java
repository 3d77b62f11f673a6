package io.accountsync.doctor;

import static io.accountsync.doctor.Specs.named;
import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.config.Role;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionChecksTest {

    @Test
    void shouldBlameHostPortAndListenAddressesForARefusedConnection() {
        SQLException e = new SQLException("Connection to db.example:5432 refused.", "08001",
                new ConnectException("Connection refused"));
        List<Check> checks = ConnectionChecks.failure(Specs.pg(Role.BOTH, "sync"), e);
        assertThat(checks).hasSize(1);
        Check c = checks.get(0);
        assertThat(c.name()).isEqualTo("reachable");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).contains("Connection refused at db.example:5432");
        assertThat(c.fix()).contains("connection.host and connection.port").contains("listen_addresses");
        SQLException my = new SQLException("Socket fail to connect", "08000", new ConnectException("Connection refused"));
        assertThat(ConnectionChecks.failure(Specs.maria(Role.BOTH, "sync"), my).get(0).fix()).contains("bind-address");
    }

    @Test
    void shouldTellAnUnknownHostAndATimeoutFromARefusal() {
        SQLException unknown = new SQLException("The connection attempt failed.", "08001", new UnknownHostException("db.example"));
        assertThat(ConnectionChecks.failure(Specs.pg(Role.BOTH, "sync"), unknown).get(0).fix()).contains("does not resolve");
        SQLException slow = new SQLException("The connection attempt failed.", "08001", new SocketTimeoutException("connect timed out"));
        Check c = ConnectionChecks.failure(Specs.pg(Role.BOTH, "sync"), slow).get(0);
        assertThat(c.detail()).contains("no answer");
        assertThat(c.fix()).contains("firewall");
    }

    @Test
    void shouldFailCredentialsOnSqlState28WithoutShowingThePassword() {
        SQLException e = new SQLException("FATAL: password authentication failed for user \"sync\" (tried "
                + Specs.PASSWORD + ")", "28P01");
        List<Check> checks = ConnectionChecks.failure(Specs.pg(Role.BOTH, "sync"), e);
        assertThat(checks).extracting(Check::name, Check::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("reachable", Status.OK),
                org.assertj.core.groups.Tuple.tuple("credentials", Status.FAIL));
        Check c = named(checks, "credentials");
        assertThat(c.detail()).doesNotContain(Specs.PASSWORD).contains("[hidden]");
        assertThat(c.fix()).contains("ALTER ROLE sync PASSWORD '…';");
    }

    @Test
    void shouldPointAtPgHbaWhenNoLineMatches() {
        SQLException e = new SQLException("FATAL: no pg_hba.conf entry for host \"10.1.2.3\", user \"sync\", database \"wiki\"", "28000");
        Check c = named(ConnectionChecks.failure(Specs.pg(Role.BOTH, "sync"), e), "credentials");
        assertThat(c.fix()).contains("pg_hba.conf").contains("host  wiki  sync").contains("pg_reload_conf()");
    }

    @Test
    void shouldNameTheAccountMariaDbMatchedForAccessDenied() {
        SQLException e = new SQLException("(conn=12) Access denied for user 'sync'@'10.1.2.3' (using password: YES)", "28000", 1045);
        Check c = named(ConnectionChecks.failure(Specs.maria(Role.BOTH, "sync"), e), "credentials");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).doesNotContain("conn=12");
        assertThat(c.fix()).contains("CREATE USER 'sync'@'10.1.2.3' IDENTIFIED BY '…';");
    }

    @Test
    void shouldFailAMissingDatabaseAfterASuccessfulLogin() {
        List<Check> pg = ConnectionChecks.failure(Specs.pg(Role.BOTH, "sync"),
                new SQLException("FATAL: database \"wiki\" does not exist", "3D000"));
        assertThat(pg).extracting(Check::status).containsExactly(Status.OK, Status.OK, Status.FAIL);
        assertThat(named(pg, "database").fix()).contains("CREATE DATABASE wiki;");
        List<Check> maria = ConnectionChecks.failure(Specs.maria(Role.BOTH, "sync"),
                new SQLException("Unknown database 'wiki'", "42000", 1049));
        assertThat(named(maria, "database").fix()).contains("CREATE DATABASE `wiki`;");
        List<Check> noConnect = ConnectionChecks.failure(Specs.pg(Role.BOTH, "sync"),
                new SQLException("FATAL: permission denied for database \"wiki\"", "42501"));
        assertThat(named(noConnect, "database").fix()).isEqualTo("GRANT CONNECT ON DATABASE wiki TO sync;");
        List<Check> denied = ConnectionChecks.failure(Specs.maria(Role.BOTH, "sync"),
                new SQLException("Access denied for user 'sync'@'%' to database 'wiki'", "42000", 1044));
        assertThat(named(denied, "database").fix()).isEqualTo("GRANT SELECT ON `wiki`.* TO 'sync'@'%';");
    }
}
