package io.accountsync.doctor;

import static io.accountsync.doctor.Specs.named;
import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.config.Role;
import io.accountsync.doctor.BinlogChecks.Facts;
import io.accountsync.model.Dialect;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BinlogChecksTest {
    private static final String MARIADB = "10.11.6-MariaDB-0+deb12u1-log";
    private static final TableRef USERS = new TableRef("wiki", "users");
    private static final List<String> CDC_GRANTS = List.of(
            "GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `sync`@`%`",
            "GRANT SELECT, INSERT, UPDATE ON `wiki`.`users` TO `sync`@`%`");

    private static Map<String, String> healthy() {
        Map<String, String> v = new HashMap<>();
        v.put("log_bin", "ON");
        v.put("binlog_format", "ROW");
        v.put("binlog_row_image", "FULL");
        v.put("server_id", "1");
        v.put("gtid_strict_mode", "ON");
        v.put("gtid_domain_id", "0");
        v.put("expire_logs_days", "0.000000");
        v.put("binlog_expire_logs_seconds", "0");
        return v;
    }

    private static Facts facts(String version, Map<String, String> variables, List<String> grants) {
        MysqlGrants g = MysqlGrants.parse(grants);
        TableInfo t = new TableInfo(USERS, Specs.userColumns(), g.allows("SELECT", "wiki", "users"),
                g.allows("INSERT", "wiki", "users"), g.allows("UPDATE", "wiki", "users"), false, null, List.of());
        return new Facts(version, "sync", "%", variables, g, Map.of(USERS, t));
    }

    @Test
    void shouldPassALeastPrivilegeCdcUser() {
        List<Check> checks = BinlogChecks.evaluate(Specs.maria(Role.BOTH, "sync"), facts(MARIADB, healthy(), CDC_GRANTS));
        assertThat(checks).extracting(Check::name).containsExactly("server", "tables", "columns", "log_bin",
                "binlog_format", "binlog_row_image", "gtid", "binlog_annotate_row_events", "binlog retention", "grants",
                "read privileges",
                "write privileges", "least privilege");
        assertThat(checks).allMatch(c -> c.status() == Status.OK);
        assertThat(named(checks, "binlog retention").detail()).contains("never purged");
    }

    @Test
    void shouldFailStatementFormatWithSetGlobalAndMyCnf() {
        Map<String, String> v = healthy();
        v.put("binlog_format", "STATEMENT");
        Check c = named(BinlogChecks.evaluate(Specs.maria(Role.BOTH, "sync"), facts(MARIADB, v, CDC_GRANTS)), "binlog_format");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).contains("STATEMENT");
        assertThat(c.fix()).contains("SET GLOBAL binlog_format = 'ROW';").contains("my.cnf [mysqld]: binlog_format = ROW");
    }

    @Test
    void shouldWarnWhenMariaDbLogsNoStatementTextForTheEchoTag() {
        Map<String, String> v = healthy();
        v.put("binlog_annotate_row_events", "OFF");
        Check c = named(BinlogChecks.evaluate(Specs.maria(Role.BOTH, "sync"), facts(MARIADB, v, CDC_GRANTS)),
                "binlog_annotate_row_events");
        assertThat(c.status()).isEqualTo(Status.WARN);
        assertThat(c.detail()).contains("OFF").contains("crash");
        assertThat(c.fix()).contains("SET GLOBAL binlog_annotate_row_events = ON;");
        v.put("binlog_annotate_row_events", "ON");
        assertThat(named(BinlogChecks.evaluate(Specs.maria(Role.BOTH, "sync"), facts(MARIADB, v, CDC_GRANTS)),
                "binlog_annotate_row_events").status()).isEqualTo(Status.OK);
    }

    @Test
    void shouldFailMinimalRowImageAndMissingBinlog() {
        Map<String, String> v = healthy();
        v.put("binlog_row_image", "MINIMAL");
        v.put("log_bin", "OFF");
        List<Check> checks = BinlogChecks.evaluate(Specs.maria(Role.BOTH, "sync"), facts(MARIADB, v, CDC_GRANTS));
        assertThat(named(checks, "binlog_row_image").fix()).contains("SET GLOBAL binlog_row_image = 'FULL';")
                .contains("binlog_row_image = FULL");
        assertThat(named(checks, "log_bin").status()).isEqualTo(Status.FAIL);
        assertThat(named(checks, "log_bin").fix()).contains("log-bin = mysql-bin").contains("restart");
    }

    @Test
    void shouldGrantExactlyTheMissingGlobalPrivilegesToTheMatchedAccount() {
        Facts f = new Facts(MARIADB, "weak", "10.0.0.%", healthy(),
                MysqlGrants.parse(List.of("GRANT SELECT ON `wiki`.* TO `weak`@`10.0.0.%`")), Map.of());
        Check c = BinlogChecks.grants(Specs.maria(Role.BOTH, "weak"), f);
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.fix()).isEqualTo("GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'weak'@'10.0.0.%';");
    }

    @Test
    void shouldNameReplicationClientOnMysqlAndOldMariaDb() {
        Facts mysql = new Facts("8.0.36", "weak", "%", healthy(), MysqlGrants.parse(List.of()), Map.of());
        assertThat(BinlogChecks.requiredGlobal(Specs.maria(Role.BOTH, "weak"), mysql)).contains("REPLICATION CLIENT");
        Facts old = new Facts("10.4.30-MariaDB", "weak", "%", healthy(), MysqlGrants.parse(List.of()), Map.of());
        assertThat(BinlogChecks.requiredGlobal(Specs.maria(Role.BOTH, "weak"), old)).contains("REPLICATION CLIENT");
    }

    @Test
    void shouldOnlyWarnWhenRolesMayHoldTheMissingGrants() {
        Facts f = new Facts(MARIADB, "sync", "%", healthy(),
                MysqlGrants.parse(List.of("GRANT `cdc` TO `sync`@`%`", "GRANT SELECT ON `wiki`.* TO `sync`@`%`")), Map.of());
        Check c = BinlogChecks.grants(Specs.maria(Role.BOTH, "sync"), f);
        assertThat(c.status()).isEqualTo(Status.WARN);
        assertThat(c.detail()).contains("`cdc`");
    }

    @Test
    void shouldWarnAboutAllPrivilegesWithAReplacementSet() {
        Facts f = facts(MARIADB, healthy(), List.of("GRANT ALL PRIVILEGES ON *.* TO `sync`@`%` WITH GRANT OPTION"));
        Check c = named(BinlogChecks.evaluate(Specs.maria(Role.BOTH, "sync"), f), "least privilege");
        assertThat(c.status()).isEqualTo(Status.WARN);
        assertThat(c.detail()).contains("ALL PRIVILEGES ON *.*").contains("WITH GRANT OPTION");
        assertThat(c.fix()).isEqualTo("REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'sync'@'%';\n"
                + "GRANT RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'sync'@'%';\n"
                + "GRANT SELECT, INSERT, UPDATE ON `wiki`.`users` TO 'sync'@'%';");
        Facts superUser = facts("8.0.36", healthy(), List.of("GRANT SELECT, SUPER ON *.* TO `sync`@`%`"));
        assertThat(BinlogChecks.leastPrivilege(Specs.maria(Role.BOTH, "sync"), superUser).detail()).contains("SUPER");
    }

    @Test
    void shouldFailTheMysqlDialectOnAMariaDbServer() {
        EnvSpec mysql = EnvSpec.of(Specs.env("m", Dialect.MYSQL, Role.BOTH, "sync", Map.of()));
        Check c = BinlogChecks.server(mysql, facts(MARIADB, healthy(), CDC_GRANTS));
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.fix()).isEqualTo("environments.m.dialect: mariadb");
    }

    @Test
    void shouldRecommendGtidModeOnMysql() {
        Map<String, String> v = healthy();
        v.put("gtid_mode", "OFF");
        Check c = BinlogChecks.gtid("m", facts("8.0.36", v, CDC_GRANTS));
        assertThat(c.status()).isEqualTo(Status.WARN);
        assertThat(c.fix()).contains("gtid_mode = ON").contains("enforce_gtid_consistency = ON");
        v.put("gtid_mode", "ON");
        assertThat(BinlogChecks.gtid("m", facts("8.0.36", v, CDC_GRANTS)).status()).isEqualTo(Status.OK);
    }

    @Test
    void shouldReportRetentionAndWarnWhenShort() {
        Map<String, String> v = healthy();
        v.put("binlog_expire_logs_seconds", "3600");
        Check shortOne = BinlogChecks.retention("c", facts(MARIADB, v, CDC_GRANTS));
        assertThat(shortOne.status()).isEqualTo(Status.WARN);
        assertThat(shortOne.fix()).contains("SET GLOBAL binlog_expire_logs_seconds = 604800;");
        v.remove("binlog_expire_logs_seconds");
        v.put("expire_logs_days", "7");
        Check week = BinlogChecks.retention("c", facts(MARIADB, v, CDC_GRANTS));
        assertThat(week.status()).isEqualTo(Status.OK);
        assertThat(week.detail()).contains("7 days");
    }
}
