package io.accountsync.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import io.accountsync.model.Dialect;
import io.accountsync.model.RowChange;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mysql.MySQLContainer;

/**
 * Capture from a real MySQL 8 with Debezium's MySqlConnector. Needs a Docker engine: skipped
 * cleanly where there is none (this project's own machines have none; the private MariaDB covers
 * the binlog path there).
 */
@Testcontainers(disabledWithoutDocker = true)
class CaptureEngineMySqlIT {

    @Container
    static final MySQLContainer MYSQL = new MySQLContainer("mysql:8.0")
            .withDatabaseName("app").withUsername("root").withPassword("mysql-test-pw")
            .withCommand("--gtid-mode=ON", "--enforce-gtid-consistency=ON", "--binlog-row-image=FULL");

    @TempDir
    Path workDir;

    @Test
    void shouldCaptureSnapshotAndChangesFromMySql8() throws Exception {
        try (Connection c = DriverManager.getConnection(MYSQL.getJdbcUrl(), "root", "mysql-test-pw");
             Statement st = c.createStatement()) {
            st.execute("create table users (id int primary key, username varchar(100), email varchar(255))");
            st.execute("insert into users values (1, 'tom', 'tom@example.org')");
        }
        ConnectionSettings cs = new ConnectionSettings(Dialect.MYSQL, MYSQL.getHost(), MYSQL.getMappedPort(3306),
                "app", "root", Secret.of("mysql-test-pw"));
        RecordingSink sink = new RecordingSink();
        try (CaptureEngine engine = new CaptureEngine(
                CaptureSettings.binlog("my", cs, List.of("app.users"), workDir, 4242), sink, CaptureListener.NONE)) {
            engine.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.changes().stream().anyMatch(r -> r.op() == RowChange.Op.READ));
            try (Connection c = DriverManager.getConnection(MYSQL.getJdbcUrl(), "root", "mysql-test-pw");
                 Statement st = c.createStatement()) {
                st.execute("update users set email = 'tommy@example.org' where id = 1");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.changes().stream().anyMatch(r -> r.op() == RowChange.Op.UPDATE));
            RowChange update = sink.changes().stream().filter(r -> r.op() == RowChange.Op.UPDATE).findFirst().orElseThrow();
            assertThat(update.table()).isEqualTo("app.users");
            assertThat(update.before()).containsEntry("email", "tom@example.org");
            assertThat(update.after()).containsEntry("email", "tommy@example.org");
        }
    }
}
