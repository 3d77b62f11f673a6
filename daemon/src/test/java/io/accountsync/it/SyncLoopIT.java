package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The always-on loop between two PostgreSQL environments and one MariaDB environment. */
class SyncLoopIT {
    private static final Logger LOG = LoggerFactory.getLogger(SyncLoopIT.class);
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

    private DaemonProcess startDaemon(String name) throws Exception {
        Path config = fx.writeConfig(name, false, null);
        DaemonProcess d = DaemonProcess.start(config, fx.metricsPort, fx.processEnv(), LOGS.resolve(name + "-" + System.nanoTime() + ".log"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            assertThat(d.isAlive()).as("daemon alive; log %s", d.log()).isTrue();
            assertThat(d.metric("accountsync_env_up", null)).as("environments up").isEqualTo(3.0);
        });
        return d;
    }

    private void seed(int accounts) throws Exception {
        for (int i = 0; i < accounts; i++) {
            String env = ThreeEnvFixture.ENVS.get(i % 3);
            fx.insert(env, "user" + i, "User " + i, "user" + i + "@example.org");
        }
    }

    @Test
    void shouldPropagateAnUpdateFromAnyEnvironmentToTheOthersWithinFiveSeconds() throws Exception {
        fx = new ThreeEnvFixture(tmp);
        seed(30);
        daemon = startDaemon("propagation");
        fx.awaitConverged(Duration.ofSeconds(60));
        List<Long> latencies = new ArrayList<>();
        for (String env : ThreeEnvFixture.ENVS) {
            for (String column : List.of("full_name", "email")) {
                String value = column.equals("email") ? "new-" + env + "@example.net" : "Renamed in " + env;
                long start = System.nanoTime();
                assertThat(fx.update(env, "user7", column, value)).isEqualTo(1);
                try {
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
                    for (String other : ThreeEnvFixture.ENVS) {
                        ThreeEnvFixture.Row r = fx.row(other, "user7");
                        String seen = column.equals("email") ? r.email() : r.fullName();
                        if (!value.equals(seen)) {
                            return false;
                        }
                    }
                    return true;
                });
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(env + "." + column + " not propagated: " + fx.differences() + "\n"
                            + daemon.summary() + "\nlog: " + daemon.log().toAbsolutePath(), e);
                }
                latencies.add((System.nanoTime() - start) / 1_000_000);
            }
        }
        LOG.info("propagation latencies (ms, update committed -> visible in both others): {}", latencies);
        System.out.println("propagation latencies ms: " + latencies);
        assertThat(latencies).allMatch(ms -> ms < 5000);
    }

    @Test
    void shouldCreateMissingAccountsAndLinkExistingOnesWithoutDuplicates() throws Exception {
        fx = new ThreeEnvFixture(tmp);
        for (String env : ThreeEnvFixture.ENVS) {
            fx.insert(env, "shared", "Shared Person", "shared@example.org");
        }
        fx.insert("a", "only-a", "Only A", "a@example.org");
        daemon = startDaemon("create-link");
        fx.awaitConverged(Duration.ofSeconds(60));
        for (String env : ThreeEnvFixture.ENVS) {
            assertThat(fx.rows(env)).containsOnlyKeys("shared", "only-a");
            assertThat(fx.row(env, "shared")).isEqualTo(new ThreeEnvFixture.Row("shared", "Shared Person", "shared@example.org"));
        }
        fx.insert("b", "new-in-b", "New In B", "newb@example.org");
        fx.awaitConverged(Duration.ofSeconds(10));
        assertThat(fx.row("c", "new-in-b")).isEqualTo(new ThreeEnvFixture.Row("new-in-b", "New In B", "newb@example.org"));
        assertThat(fx.rows("a")).hasSize(3);
    }

    @Test
    void shouldStayQuietAfterManyRandomUpdates() throws Exception {
        fx = new ThreeEnvFixture(tmp);
        seed(60);
        daemon = startDaemon("no-ping-pong");
        fx.awaitConverged(Duration.ofSeconds(60));
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            String env = ThreeEnvFixture.ENVS.get(random.nextInt(3));
            String user = "user" + random.nextInt(60);
            boolean email = random.nextBoolean();
            fx.update(env, user, email ? "email" : "full_name", email ? "u" + i + "@example.org" : "Name " + i);
        }
        fx.awaitConverged(Duration.ofSeconds(90));
        // Quiet: whatever is still in flight settles, then nothing more is executed for 10 s.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(2))
                .until(() -> daemon.metric("accountsync_queue_depth", null) == 0.0);
        Thread.sleep(3000);
        double before = daemon.metric("accountsync_apply_statements_total", null);
        Thread.sleep(10_000);
        double after = daemon.metric("accountsync_apply_statements_total", null);
        assertThat(after).as("statements executed during 10 quiet seconds").isEqualTo(before);
        assertThat(fx.converged()).as(fx.differences()).isTrue();
        assertThat(daemon.metric("accountsync_echoes_suppressed_total", null)).isGreaterThan(0);
    }

    @Test
    void shouldConvergeWhenTheSameFieldIsEditedInTwoEnvironmentsAtOnce() throws Exception {
        fx = new ThreeEnvFixture(tmp);
        seed(12);
        daemon = startDaemon("concurrent");
        fx.awaitConverged(Duration.ofSeconds(60));
        for (int round = 0; round < 5; round++) {
            String user = "user" + round;
            Thread other = new Thread(() -> {
                try {
                    fx.update("c", user, "full_name", "From C " + user);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            fx.update("a", user, "full_name", "From A " + user);
            other.start();
            Thread.sleep(20);
            fx.update("b", user, "email", "b-" + user + "@example.org");
            other.join();
        }
        fx.awaitConverged(Duration.ofSeconds(30));
        for (int round = 0; round < 5; round++) {
            String name = fx.row("a", "user" + round).fullName();
            assertThat(name).isIn("From A user" + round, "From C user" + round);
            assertThat(fx.row("a", "user" + round).email()).isEqualTo("b-user" + round + "@example.org");
        }
    }

    @Test
    void shouldLoseNothingWhenKilledInTheMiddleOfUpdates() throws Exception {
        fx = new ThreeEnvFixture(tmp);
        int accounts = 400;
        seed(accounts);
        daemon = startDaemon("crash");
        fx.awaitConverged(Duration.ofSeconds(90));
        Map<String, String> last = new HashMap<>();
        Random random = new Random(7);
        int updates = 5000;
        long pace = System.nanoTime();
        for (int i = 0; i < updates; i++) {
            // Round-robin over the accounts, at most ~330 updates/s, so that two writes of one account
            // are more than a second apart: MariaDB's binlog times have one-second resolution, and
            // "the last write" must be well defined at that resolution.
            String user = "user" + (i % accounts);
            String env = ThreeEnvFixture.ENVS.get(random.nextInt(3));
            String value = "v" + i + "-" + env;
            fx.update(env, user, "full_name", value);
            last.put(user, value);
            if (i == updates / 2) {
                daemon.kill();
                daemon = startDaemon("crash");   // same config: same state store and offsets
                pace = System.nanoTime();        // no catch-up burst: keep writes of one account > 1 s apart
            }
            // Never a catch-up burst either when the writer falls behind (a busy machine): paced from now, not
            // from the schedule, two writes of one account stay 400 x 3 ms apart.
            pace = Math.max(pace, System.nanoTime()) + 3_000_000;
            long wait = pace - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        fx.awaitConverged(Duration.ofSeconds(120));
        for (String env : ThreeEnvFixture.ENVS) {
            Map<String, ThreeEnvFixture.Row> rows = fx.rows(env);
            for (Map.Entry<String, String> e : last.entrySet()) {
                assertThat(rows.get(e.getKey()).fullName()).as("%s in %s", e.getKey(), env).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void shouldCatchUpWithATargetThatWasDownFor20Seconds() throws Exception {
        fx = new ThreeEnvFixture(tmp);
        seed(30);
        daemon = startDaemon("outage");
        fx.awaitConverged(Duration.ofSeconds(60));
        fx.instance("c").stop();
        try {
            long stoppedAt = System.nanoTime();
            for (int i = 0; i < 30; i++) {
                fx.update(i % 2 == 0 ? "a" : "b", "user" + i, "email", "during-outage-" + i + "@example.org");
            }
            // The others keep syncing while c is down.
            await().atMost(Duration.ofSeconds(10)).until(() -> fx.rows("a").equals(fx.rows("b")));
            long left = 20_000 - (System.nanoTime() - stoppedAt) / 1_000_000;
            if (left > 0) {
                Thread.sleep(left);
            }
        } finally {
            fx.instance("c").start();
        }
        fx.awaitConverged(Duration.ofSeconds(60));
        for (int i = 0; i < 30; i++) {
            assertThat(fx.row("c", "user" + i).email()).isEqualTo("during-outage-" + i + "@example.org");
        }
        assertThat(daemon.metric("accountsync_apply_errors_total", "env=\"c\"")).isGreaterThan(0);
    }
}
