package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Tom case: Tom registered in A as "Tom Sawyer" &lt;tom@example.org&gt;; later, in B, he edited
 * his name to "Tommy". C has never seen him. Becky (A only) and Huck (B only) have no conflict.
 */
class ConflictPolicyIT {
    private static final Path LOGS = Path.of("target", "it-logs");
    private static final Instant A_ACTIVE = Instant.parse("2026-01-10T10:00:00Z");
    private static final Instant B_ACTIVE = Instant.parse("2026-01-11T10:00:00Z");   // later

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

    private void tom() throws Exception {
        fx = new ThreeEnvFixture(tmp);
        fx.insert("a", "tom", "Tom Sawyer", "tom@example.org", A_ACTIVE, false);
        fx.insert("b", "tom", "Tommy", "tom@example.org", B_ACTIVE, false);
        fx.insert("a", "becky", "Becky Thatcher", "becky@example.org", A_ACTIVE, false);
        fx.insert("b", "huck", "Huckleberry Finn", "huck@example.org", B_ACTIVE, false);
    }

    private DaemonProcess.Result bootstrap(String name, String conflicts) throws Exception {
        Path config = fx.writeConfig(name, false, conflicts);
        return DaemonProcess.run(fx.processEnv(), LOGS.resolve(name + "-" + System.nanoTime() + ".log"),
                "bootstrap", "-c", config.toString());
    }

    private void assertEveryoneElseSynced() throws Exception {
        for (String env : ThreeEnvFixture.ENVS) {
            assertThat(fx.row(env, "becky")).isEqualTo(new ThreeEnvFixture.Row("becky", "Becky Thatcher", "becky@example.org"));
            assertThat(fx.row(env, "huck")).isEqualTo(new ThreeEnvFixture.Row("huck", "Huckleberry Finn", "huck@example.org"));
        }
    }

    @Test
    void shouldLeaveTomAloneEverywhereAndListOneConflictUnderSkip() throws Exception {
        tom();
        DaemonProcess.Result r = bootstrap("skip", "conflicts:\n  policy: skip\n  granularity: record\n");
        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).contains("1 conflict(s) left open").contains("conflicted");
        assertThat(fx.row("a", "tom")).isEqualTo(new ThreeEnvFixture.Row("tom", "Tom Sawyer", "tom@example.org"));
        assertThat(fx.row("b", "tom")).isEqualTo(new ThreeEnvFixture.Row("tom", "Tommy", "tom@example.org"));
        assertThat(fx.row("c", "tom")).isNull();
        assertEveryoneElseSynced();

        Path config = fx.writeConfig("skip", false, "conflicts:\n  policy: skip\n  granularity: record\n");
        DaemonProcess.Result list = DaemonProcess.run(fx.processEnv(), LOGS.resolve("skip-list.log"), "conflicts", "list", "-c", config.toString());
        assertThat(list.exitCode()).isZero();
        assertThat(list.output()).contains("tom").contains("display_name").contains("Tom Sawyer").contains("Tommy")
                .doesNotContain("becky").doesNotContain("huck");
        DaemonProcess.Result json = DaemonProcess.run(fx.processEnv(), LOGS.resolve("skip-json.log"), "conflicts", "list", "--json", "-c", config.toString());
        assertThat(json.output()).contains("\"usernameKey\" : \"tom\"").contains("\"status\" : \"open\"");

        // The daemon runs; an operator resolves from the inbox; the chosen value reaches everyone.
        daemon = DaemonProcess.start(config, fx.metricsPort, fx.processEnv(), LOGS.resolve("skip-run-" + System.nanoTime() + ".log"));
        await().atMost(Duration.ofSeconds(60)).until(() -> daemon.metric("accountsync_env_up", null) == 3.0);
        DaemonProcess.Result resolve = DaemonProcess.run(fx.processEnv(), LOGS.resolve("skip-resolve.log"),
                "conflicts", "resolve", "tom", "--take", "b", "-c", config.toString());
        assertThat(resolve.exitCode()).as(resolve.output()).isZero();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            for (String env : ThreeEnvFixture.ENVS) {
                assertThat(fx.row(env, "tom")).isEqualTo(new ThreeEnvFixture.Row("tom", "Tommy", "tom@example.org"));
            }
        });
        DaemonProcess.Result after = DaemonProcess.run(fx.processEnv(), LOGS.resolve("skip-list2.log"), "conflicts", "list", "-c", config.toString());
        assertThat(after.output()).contains("no open conflicts");
        DaemonProcess.Result audit = DaemonProcess.run(fx.processEnv(), LOGS.resolve("skip-audit.log"), "audit", "tom", "-c", config.toString());
        assertThat(audit.exitCode()).isZero();
        assertThat(audit.output()).contains("conflict").contains("resolve").contains("took b").contains("create");
    }

    @Test
    void shouldLetTheEnvironmentWithTheLaterActivityWinUnderNewer() throws Exception {
        tom();
        DaemonProcess.Result r = bootstrap("newer", "conflicts:\n  policy: newer\n");
        assertThat(r.exitCode()).as(r.output()).isZero();
        for (String env : ThreeEnvFixture.ENVS) {
            assertThat(fx.row(env, "tom")).isEqualTo(new ThreeEnvFixture.Row("tom", "Tommy", "tom@example.org"));
        }
        assertEveryoneElseSynced();
    }

    @Test
    void shouldLetTheFirstEnvironmentOfTheListWinUnderPriority() throws Exception {
        tom();
        DaemonProcess.Result r = bootstrap("priority-ba", "conflicts:\n  policy: priority\n  priority: [b, a]\n");
        assertThat(r.exitCode()).as(r.output()).isZero();
        for (String env : ThreeEnvFixture.ENVS) {
            assertThat(fx.row(env, "tom").fullName()).isEqualTo("Tommy");
        }
        fx.close();
        tom();
        // The order decides, not the activity: with [a, b] A wins although B was active later.
        DaemonProcess.Result r2 = bootstrap("priority-ab", "conflicts:\n  policy: priority\n  priority: [a, b]\n");
        assertThat(r2.exitCode()).as(r2.output()).isZero();
        for (String env : ThreeEnvFixture.ENVS) {
            assertThat(fx.row(env, "tom").fullName()).isEqualTo("Tom Sawyer");
        }
        assertEveryoneElseSynced();
    }

    @Test
    void shouldDecideOnlyTheConflictingFieldWithFieldGranularity() throws Exception {
        tom();
        DaemonProcess.Result r = bootstrap("field-skip", "conflicts:\n  policy: skip\n  granularity: field\n");
        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        // The agreed email is untouched where it is and travels to C; the name is left for an operator.
        assertThat(fx.row("a", "tom")).isEqualTo(new ThreeEnvFixture.Row("tom", "Tom Sawyer", "tom@example.org"));
        assertThat(fx.row("b", "tom")).isEqualTo(new ThreeEnvFixture.Row("tom", "Tommy", "tom@example.org"));
        assertThat(fx.row("c", "tom")).isEqualTo(new ThreeEnvFixture.Row("tom", null, "tom@example.org"));
        assertEveryoneElseSynced();
        fx.close();
        tom();
        DaemonProcess.Result r2 = bootstrap("field-newer", "conflicts:\n  policy: newer\n  granularity: field\n");
        assertThat(r2.exitCode()).isZero();
        for (String env : ThreeEnvFixture.ENVS) {
            assertThat(fx.row(env, "tom")).isEqualTo(new ThreeEnvFixture.Row("tom", "Tommy", "tom@example.org"));
        }
    }

    @Test
    void shouldHoldAConcurrentStreamingEditUnderSkip() throws Exception {
        fx = new ThreeEnvFixture(tmp);
        fx.insert("a", "ann", "Ann", "ann@example.org", A_ACTIVE, false);
        Path config = fx.writeConfig("stream-skip", false, "conflicts:\n  policy: skip\n  granularity: record\n");
        daemon = DaemonProcess.start(config, fx.metricsPort, fx.processEnv(), LOGS.resolve("stream-skip-" + System.nanoTime() + ".log"));
        fx.awaitConverged(Duration.ofSeconds(60));
        // Two environments edit the same field from the same base, at once.
        Thread other = new Thread(() -> {
            try {
                fx.update("c", "ann", "full_name", "Ann from C");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        other.start();
        fx.update("b", "ann", "full_name", "Ann from B");
        other.join();
        await().atMost(Duration.ofSeconds(15)).until(() -> daemon.metric("accountsync_conflicts_total", null) >= 1);
        Thread.sleep(2000);
        // Neither edit is overwritten: each environment keeps its own, A got the one seen first.
        // On failure the description carries Ann's audit trail (what the daemon decided, in which order).
        java.util.function.Supplier<String> story = () -> DaemonProcess.auditTrail(fx.processEnv(),
                LOGS.resolve("audit-ann.log"), config, "ann");
        assertThat(fx.row("b", "ann").fullName()).as(story).isEqualTo("Ann from B");
        assertThat(fx.row("c", "ann").fullName()).as(story).isEqualTo("Ann from C");
        assertThat(fx.row("a", "ann").fullName()).as(story).isIn("Ann from B", "Ann from C");
        DaemonProcess.Result list = DaemonProcess.run(fx.processEnv(), LOGS.resolve("stream-skip-list.log"), "conflicts", "list", "-c", config.toString());
        assertThat(list.output()).contains("ann").contains("concurrent").contains("Ann from B").contains("Ann from C");

        // Resolved by an operator while the daemon runs (and holds Ann's state in memory): the choice reaches
        // everyone, and the next edit is no longer held back.
        DaemonProcess.Result resolve = DaemonProcess.run(fx.processEnv(), LOGS.resolve("stream-skip-resolve.log"),
                "conflicts", "resolve", "ann", "--take", "b", "-c", config.toString());
        assertThat(resolve.exitCode()).as(resolve.output()).isZero();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            for (String env : ThreeEnvFixture.ENVS) {
                assertThat(fx.row(env, "ann").fullName()).as(env).isEqualTo("Ann from B");
            }
        });
        fx.update("c", "ann", "full_name", "Ann, later");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            for (String env : ThreeEnvFixture.ENVS) {
                assertThat(fx.row(env, "ann").fullName()).as(env).isEqualTo("Ann, later");
            }
        });
    }
}
