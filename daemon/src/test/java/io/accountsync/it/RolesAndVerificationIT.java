package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/** Environment roles, and email verification travelling with the email. */
class RolesAndVerificationIT {
    private static final Path LOGS = Path.of("target", "it-logs");
    private static final Instant EARLIER = Instant.parse("2026-01-10T10:00:00Z");
    private static final Instant LATER = Instant.parse("2026-01-11T10:00:00Z");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
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

    private DaemonProcess start(String name, Map<String, String> envExtra) throws Exception {
        Path config = fx.writeConfig(name, false, null, envExtra);
        DaemonProcess d = DaemonProcess.start(config, fx.metricsPort, fx.processEnv(), LOGS.resolve(name + "-" + System.nanoTime() + ".log"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(d.isAlive()).as("daemon alive; log %s", d.log()).isTrue();
            assertThat(d.metrics()).isNotNull().contains("accountsync_env_up");
        });
        return d;
    }

    @Test
    void shouldNeverWriteASourceNorReadATarget() throws Exception {
        fx = new ThreeEnvFixture(tmp);
        fx.insert("a", "ann", "Ann", "ann@example.org", EARLIER, false);
        fx.insert("b", "bob", "Bob", "bob@example.org", EARLIER, false);     // b is a target: never read
        fx.insert("c", "cid", "Cid", "cid@example.org", EARLIER, false);     // c is a source: never written
        daemon = start("roles", Map.of("b", "    role: target\n", "c", "    role: source\n"));
        // a and c are read; b receives what they hold.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(fx.rows("b")).containsKeys("ann", "cid", "bob");
            assertThat(fx.rows("a")).containsKeys("ann", "cid");
        });
        assertThat(fx.rows("a")).doesNotContainKey("bob");        // a target's accounts are never read
        fx.update("a", "ann", "full_name", "Ann from A");
        fx.update("c", "cid", "email", "cid@new.example.org");
        fx.update("b", "bob", "full_name", "Bob edited in the target");
        fx.update("b", "ann", "email", "ann-edited-in-target@example.org");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(fx.row("b", "ann").fullName()).isEqualTo("Ann from A");
            assertThat(fx.row("a", "cid").email()).isEqualTo("cid@new.example.org");
            assertThat(fx.row("b", "cid").email()).isEqualTo("cid@new.example.org");
        });
        Thread.sleep(3000);
        // c (source) received no statement at all, and still lacks what others have.
        assertThat(fx.rows("c")).containsOnlyKeys("cid");
        assertThat(fx.row("c", "cid").fullName()).isEqualTo("Cid");
        assertThat(daemon.metric("accountsync_apply_statements_total", "env=\"c\"")).isZero();
        assertThat(daemon.metrics()).doesNotContain("accountsync_apply_statements_total{env=\"c\"}");
        // b's (target) own changes went nowhere.
        assertThat(fx.row("a", "ann").email()).isEqualTo("ann@example.org");
        assertThat(fx.rows("a")).doesNotContainKey("bob");
    }

    @Test
    void shouldCarryVerificationWithTheEmail() throws Exception {
        fx = new ThreeEnvFixture(tmp);
        // Same address everywhere, verified in b only: verified everywhere after bootstrap.
        fx.insert("a", "vera", "Vera", "vera@example.org", EARLIER, false);
        fx.insert("b", "vera", "Vera", "vera@example.org", LATER, true);
        fx.insert("c", "vera", "Vera", "vera@example.org", EARLIER, false);
        daemon = start("verification", Map.of());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String env : ThreeEnvFixture.ENVS) {
                assertThat(fx.verified(env, "vera")).as("verified in %s", env).isTrue();
            }
        });
        // A change of address (the application resets its verification) is unverified everywhere.
        fx.execute("c", "update users set email = ?, email_verified = 0, updated_at = current_timestamp(6) where username = ?",
                "vera@new.example.org", "vera");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String env : ThreeEnvFixture.ENVS) {
                assertThat(fx.row(env, "vera").email()).isEqualTo("vera@new.example.org");
                assertThat(fx.verified(env, "vera")).as("verified in %s", env).isFalse();
            }
        });
        // Verified again in a: verified everywhere.
        fx.execute("a", "update users set email_verified = true, updated_at = now() where username = ?", "vera");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String env : ThreeEnvFixture.ENVS) {
                assertThat(fx.verified(env, "vera")).as("verified in %s", env).isTrue();
            }
        });
    }
}
