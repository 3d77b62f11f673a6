package io.accountsync.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogEnvironmentsTest {

    @BeforeEach
    void register() {
        LogEnvironments.clear();
        LogEnvironments.register("wiki-en", "db1", 5432);
        LogEnvironments.register("trac", "db2", 3306);
        LogEnvironments.register("lms", "db3", 3306);
        LogEnvironments.register("moodle", "db3", 3306);
        LogEnvironments.register("x-poll", "db4", 5432);
    }

    @AfterEach
    void forget() {
        LogEnvironments.clear();
    }

    @Test
    void shouldPreferTheMdcEnv() {
        assertThat(LogEnvironments.resolve("main", Map.of("env", "trac"))).isEqualTo("trac");
        assertThat(LogEnvironments.resolve("capture-lms", Map.of("env", "trac"))).isEqualTo("trac");
    }

    @Test
    void shouldReadDebeziumsMdcAndMapItsIdentifierBackToTheEnvironment() {
        assertThat(LogEnvironments.resolve("pool-3-thread-1",
                Map.of("dbz.connectorLogicalName", "accountsync_wiki_en", "dbz.connectorContext", "lifecycle")))
                .isEqualTo("wiki-en");
        assertThat(LogEnvironments.resolve("pool-3-thread-1", Map.of("dbz.connectorName", "accountsync_trac")))
                .isEqualTo("trac");
    }

    @Test
    void shouldReadAccountsyncsAndDebeziumsThreadNames() {
        assertThat(LogEnvironments.resolve("capture-wiki-en-poll", Map.of())).isEqualTo("wiki-en");
        assertThat(LogEnvironments.resolve("capture-x-poll", Map.of())).isEqualTo("x-poll");
        assertThat(LogEnvironments.resolve("capture-x-poll-poll", Map.of())).isEqualTo("x-poll");
        assertThat(LogEnvironments.resolve("apply-trac", Map.of())).isEqualTo("trac");
        assertThat(LogEnvironments.resolve("supervise-lms", null)).isEqualTo("lms");
        assertThat(LogEnvironments.resolve("capture-trac-close", Map.of())).isEqualTo("trac");
        assertThat(LogEnvironments.resolve(
                "debezium-postgresconnector-accountsync_wiki_en-change-event-source-coordinator", Map.of()))
                .isEqualTo("wiki-en");
        assertThat(LogEnvironments.resolve("debezium-mariadbsnapshotchangeeventsource-accountsync_trac-lock-heartbeat",
                Map.of())).isEqualTo("trac");
    }

    @Test
    void shouldNameTheBinlogClientsEnvironmentOnlyWhenItIsAloneOnItsServer() {
        assertThat(LogEnvironments.resolve("blc-db2:3306", Map.of())).isEqualTo("trac");
        assertThat(LogEnvironments.resolve("blc-db3:3306", Map.of())).as("two environments on db3").isNull();
    }

    @Test
    void shouldKnowNothingAboutOtherThreads() {
        assertThat(LogEnvironments.resolve("main", Map.of())).isNull();
        assertThat(LogEnvironments.resolve("debezium-jdbcconnection-JdbcConnection-jdbc-connection-close", Map.of())).isNull();
        assertThat(LogEnvironments.resolve("metrics-http-1", null)).isNull();
    }

    @Test
    void shouldMatchTheConnectorsTopicPrefixRule() {
        assertThat(LogEnvironments.identifier("wiki-en")).isEqualTo("wiki_en");
        assertThat(LogEnvironments.identifier("a".repeat(50))).hasSize(40);
    }
}
