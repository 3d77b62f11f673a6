package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quotes, SQL metacharacters, emoji and long strings are stored literally; what cannot fit is quarantined. */
class HostileValuesIT {
    private static final Path LOGS = Path.of("target", "it-logs");

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path tmp;

    private ThreeEnvFixture fx;
    private DaemonProcess daemon;

    @AfterEach
    void tearDown() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void shouldStoreHostileValuesLiterallyAndQuarantineWhatCannotFit() throws Exception {
        // c's full_name column holds at most 200 characters; a and b hold 400.
        fx = new ThreeEnvFixture(tmp, 400, 400, 200);
        List<String> users = List.of("o'brien", "x\"; drop table users; --", "emoji-\uD83D\uDE00", "back\\slash", "u".repeat(100));
        List<String> names = List.of("Robert'); DROP TABLE users;--", "Zoë \"Q\" O'Neil \\ %_", "Smile \uD83D\uDE00\uD83C\uDF89",
                "名前 テスト", "Long " + "x".repeat(295));
        for (int i = 0; i < users.size(); i++) {
            fx.insert("a", users.get(i), names.get(i), "e" + i + "@example.org");
        }
        Path config = fx.writeConfig("hostile", false, null);
        daemon = DaemonProcess.start(config, fx.metricsPort, fx.processEnv(), LOGS.resolve("hostile-" + System.nanoTime() + ".log"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (int i = 0; i < users.size(); i++) {
                assertThat(fx.row("b", users.get(i))).as("b %s", users.get(i)).isNotNull();
                assertThat(fx.row("b", users.get(i)).fullName()).isEqualTo(names.get(i));
                assertThat(fx.row("c", users.get(i))).as("c %s", users.get(i)).isNotNull();
            }
        });
        for (int i = 0; i < users.size() - 1; i++) {
            assertThat(fx.row("c", users.get(i)).fullName()).isEqualTo(names.get(i));
        }
        // 300 characters do not fit c's 200: the account is created there without that value, and the
        // value is quarantined with its reason.
        assertThat(fx.row("c", users.get(4)).fullName()).isNull();
        assertThat(fx.row("c", users.get(4)).email()).isEqualTo("e4@example.org");
        await().atMost(Duration.ofSeconds(10)).until(() -> daemon.metric("accountsync_quarantined_total", "env=\"c\"") >= 1);
        // The stream goes on.
        fx.update("a", "o'brien", "email", "after'quarantine@example.org");
        await().atMost(Duration.ofSeconds(10)).until(() -> "after'quarantine@example.org".equals(fx.row("c", "o'brien").email()));
        // 143 = terminated by SIGTERM, as the JVM reports it; the log proves the shutdown was clean.
        assertThat(daemon.stop()).isIn(0, 143);
        assertThat(daemon.output()).contains("daemon STOPPING -> STOPPED");
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + tmp.resolve("data-hostile").resolve("state").resolve("accountsync"));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select env, stage, reason from quarantine")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("c");
            assertThat(rs.getString(3)).contains("display_name").contains("300 characters").contains("full_name").contains("at most 200");
        }
    }
}
