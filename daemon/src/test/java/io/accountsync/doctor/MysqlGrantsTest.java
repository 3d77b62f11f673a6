package io.accountsync.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MysqlGrantsTest {

    @Test
    void shouldReadAllPrivilegesWithAPasswordHashInTheLine() {
        MysqlGrants g = MysqlGrants.parse(List.of("GRANT ALL PRIVILEGES ON *.* TO `accountsync`@`127.0.0.1` IDENTIFIED BY"
                + " PASSWORD '*CE76346FC16EC1DE34253824F2E7781764474A09' WITH GRANT OPTION"));
        assertThat(g.allGlobal()).isTrue();
        assertThat(g.withGrantOption()).isTrue();
        assertThat(g.hasGlobal("REPLICATION SLAVE")).isTrue();
        assertThat(g.allows("INSERT", "wiki", "users")).isTrue();
    }

    @Test
    void shouldTellGlobalDatabaseTableAndColumnLevelsApart() {
        MysqlGrants g = MysqlGrants.parse(List.of(
                "GRANT REPLICATION SLAVE, BINLOG MONITOR, SLAVE MONITOR ON *.* TO `probe`@`%` IDENTIFIED BY PASSWORD '*2B60'",
                "GRANT SELECT ON `wiki`.* TO `probe`@`%`",
                "GRANT INSERT, UPDATE ON `wiki`.`users` TO `probe`@`%`",
                "GRANT UPDATE (`email`, `name`) ON `wiki`.`groups` TO `probe`@`%`"));
        assertThat(g.hasGlobal("REPLICATION SLAVE")).isTrue();
        // REPLICATION CLIENT is MariaDB's old name of BINLOG MONITOR.
        assertThat(g.hasGlobal("REPLICATION CLIENT")).isTrue();
        assertThat(g.hasGlobal("RELOAD")).isFalse();
        assertThat(g.hasGlobal("SELECT")).isFalse();
        assertThat(g.allows("SELECT", "wiki", "anything")).isTrue();
        assertThat(g.allows("SELECT", "other", "users")).isFalse();
        assertThat(g.allows("INSERT", "wiki", "users")).isTrue();
        assertThat(g.allows("INSERT", "wiki", "groups")).isFalse();
        assertThat(g.allows("UPDATE", "wiki", "groups")).as("column privileges are not table-wide").isFalse();
        assertThat(g.allGlobal()).isFalse();
        assertThat(g.roles()).isEmpty();
    }

    @Test
    void shouldMatchDatabaseWildcardsAndQuotedNames() {
        MysqlGrants g = MysqlGrants.parse(List.of("GRANT SELECT ON `wiki\\_%`.* TO 'u'@'%'",
                "GRANT INSERT ON `odd``name`.`us.ers` TO 'u'@'%'"));
        assertThat(g.allows("SELECT", "wiki_en", "user")).isTrue();
        assertThat(g.allows("SELECT", "wikixen", "user")).as("\\_ is a literal underscore").isFalse();
        assertThat(g.allows("INSERT", "odd`name", "us.ers")).isTrue();
    }

    @Test
    void shouldCollectRolesAndSkipProxyAndRoutines() {
        MysqlGrants g = MysqlGrants.parse(List.of("GRANT `cdc_reader` TO `u`@`%`",
                "GRANT PROXY ON ''@'%' TO 'u'@'%' WITH GRANT OPTION",
                "GRANT EXECUTE ON PROCEDURE `wiki`.`p` TO `u`@`%`",
                "GRANT USAGE ON *.* TO `u`@`%`"));
        assertThat(g.roles()).containsExactly("`cdc_reader`");
        assertThat(g.global()).isEmpty();
        assertThat(g.allows("EXECUTE", "wiki", "p")).isFalse();
    }

    @Test
    void shouldReadMysql8ExpandedGrants() {
        MysqlGrants g = MysqlGrants.parse(List.of(
                "GRANT SELECT, RELOAD, SHOW DATABASES, SUPER, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `root`@`%`",
                "GRANT BACKUP_ADMIN,BINLOG_ADMIN ON *.* TO `root`@`%`"));
        assertThat(g.hasGlobal("SUPER")).isTrue();
        assertThat(g.hasGlobal("REPLICATION CLIENT")).isTrue();
        assertThat(g.hasGlobal("BINLOG_ADMIN")).isTrue();
        assertThat(g.allGlobal()).isFalse();
    }
}
