package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What /metrics says while a target is down and after it came back: env_up, apply errors, queue depth and the
 * age of the oldest waiting patch rise, then everything drains and capture lag is back under a second.
 */
class MetricsIT {
    private static final Path LOGS = Path.of("target", "it-logs");

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path tmp;

    private ThreeEnvFixture fx;
    private DaemonProcess daemon;
    private String downDatabase;

    @AfterEach
    void tearDown() throws Exception {
        if (downDatabase != null) {
            allowConnections("b", downDatabase, true);
        }
        if (daemon != null) {
            daemon.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    /**
     * A server id of its own for c: the default one is derived from the environment's name, and other tests on the
     * same MariaDB server name theirs "c" too (two binlog clients with one server id throw each other out).
     */
    static Map<String, String> ownServerId() {
        return Map.of("c", "    debezium:\n      database.server.id: \""
                + (3_000_000_000L + ThreadLocalRandom.current().nextInt(1_000_000_000)) + "\"\n");
    }

    private double metric(String name, String env) {
        return daemon.metric(name, "env=\"" + env + "\"");
    }

    private String databaseOf(String env) throws Exception {
        try (Statement st = fx.connection(env).createStatement(); ResultSet rs = st.executeQuery("select current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Takes one PostgreSQL database away (new connections refused, existing ones, replication included, cut), or
     * gives it back. The same failure for accountsync as its server going down, without stopping the instance that
     * other tests may be using at the same time.
     */
    private void allowConnections(String env, String database, boolean allow) throws Exception {
        try (Connection c = fx.instance(env).connect(fx.instance(env).adminDatabase()); Statement st = c.createStatement()) {
            st.execute("alter database \"" + database + "\" allow_connections " + allow);
            if (!allow) {
                st.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database
                        + "' and pid <> pg_backend_pid()");
            }
        }
    }

    @Test
    void shouldShowATargetGoingDownFallingBehindAndCatchingUp() throws Exception {
        fx = new ThreeEnvFixture(tmp);
        for (int i = 0; i < 12; i++) {
            fx.insert(ThreeEnvFixture.ENVS.get(i % 3), "user" + i, "User " + i, "user" + i + "@example.org");
        }
        Path config = fx.writeConfig("metrics", false, null, ownServerId());
        daemon = DaemonProcess.start(config, fx.metricsPort, fx.processEnv(), LOGS.resolve("metrics-" + System.nanoTime() + ".log"));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(daemon.isAlive()).as("daemon alive; log %s", daemon.log()).isTrue();
            assertThat(daemon.metric("accountsync_env_up", null)).as("environments up").isEqualTo(3.0);
        });
        fx.awaitConverged(Duration.ofSeconds(60));
        double errorsBefore = metric("accountsync_apply_errors_total", "b");
        assertThat(metric("accountsync_queue_depth", "b")).isZero();
        assertThat(metric("accountsync_oldest_pending_seconds", "b")).isZero();

        // b goes away; a keeps changing.
        downDatabase = databaseOf("b");
        allowConnections("b", downDatabase, false);
        for (int i = 0; i < 6; i++) {
            assertThat(fx.update("a", "user" + i, "full_name", "Changed while b is down " + i)).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(metric("accountsync_env_up", "b")).as("b up").isZero();
            assertThat(metric("accountsync_apply_errors_total", "b")).as("b apply errors").isGreaterThan(errorsBefore);
            assertThat(metric("accountsync_queue_depth", "b")).as("patches waiting for b").isGreaterThanOrEqualTo(6.0);
        });
        assertThat(metric("accountsync_env_up", "a")).isEqualTo(1.0);
        assertThat(metric("accountsync_env_up", "c")).isEqualTo(1.0);
        // c still gets a's changes while b is down.
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> fx.row("c", "user5").fullName().equals("Changed while b is down 5"));
        double ageBefore = metric("accountsync_oldest_pending_seconds", "b");
        Thread.sleep(3000);
        double ageAfter = metric("accountsync_oldest_pending_seconds", "b");
        assertThat(ageAfter).as("the oldest patch for b keeps ageing: %s", daemon.summary())
                .isGreaterThanOrEqualTo(ageBefore + 2.5);

        // b comes back: up again, the queue drains, b gets every change.
        allowConnections("b", downDatabase, true);
        downDatabase = null;
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(metric("accountsync_env_up", "b")).as("b up").isEqualTo(1.0);
            assertThat(metric("accountsync_queue_depth", "b")).as("patches waiting for b").isZero();
            assertThat(metric("accountsync_oldest_pending_seconds", "b")).isZero();
        });
        fx.awaitConverged(Duration.ofSeconds(30));
        assertThat(fx.row("b", "user5").fullName()).isEqualTo("Changed while b is down 5");

        // A fresh change in b is captured within a second of its commit, and so is one in a.
        assertThat(fx.update("b", "user7", "email", "fresh-b@example.org")).isEqualTo(1);
        assertThat(fx.update("a", "user8", "email", "fresh-a@example.org")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                fx.row("a", "user7").email().equals("fresh-b@example.org") && fx.row("b", "user8").email().equals("fresh-a@example.org"));
        assertThat(metric("accountsync_capture_lag_seconds", "b")).as("capture lag of b: %s", daemon.summary()).isLessThan(1.0);
        assertThat(metric("accountsync_capture_lag_seconds", "a")).as("capture lag of a").isLessThan(1.0);
        assertThat(daemon.stop()).isIn(0, 143);
    }
}
