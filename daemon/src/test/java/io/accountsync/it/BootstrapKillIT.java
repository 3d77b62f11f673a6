package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon killed (kill -9) half a second into its first bootstrap's merge, after every read: its H2 state
 * store holds part of the merge, without keys, and no bootstrap mark. Started again, the daemon bootstraps
 * again from a wiped store, removes the killed bootstrap's staging files, and every environment ends with
 * the policy's result.
 */
class BootstrapKillIT {
    private static final Path LOGS = Path.of("target", "it-logs");
    /** About 100,000 rows per environment, 10% divergent: a merge of a few seconds here. */
    static final AccountDataSet.Shape SHAPE = new AccountDataSet.Shape(96_000, 6_000, 0, 0.10, 0.01, 0.005, 0.02);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    private BulkEnvironments envs;
    private DaemonProcess daemon;

    @AfterEach
    void tearDown() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (envs != null) {
            envs.close();
        }
    }

    @Test
    void shouldBootstrapAgainAndConvergeAfterAKillDuringTheMerge() throws Exception {
        AccountDataSet data = AccountDataSet.generate(SHAPE, 4_242_424L);
        envs = new BulkEnvironments(tmp, "bkill");
        envs.load(data);
        Map<String, AccountDataSet.Fields> expected = data.expected();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = envs.writeConfig("bkill", false, null, port);
        Path staging = tmp.resolve("data-bkill").resolve("staging");
        Files.createDirectories(LOGS);

        Path first = LOGS.resolve("bootstrap-kill-1-" + System.nanoTime() + ".log");
        daemon = DaemonProcess.start(config, port, envs.processEnv(), first);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(daemon.isAlive()).as("first daemon alive; log %s", first.toAbsolutePath()).isTrue();
            return daemon.output().contains("environment(s) in full in");
        });
        Thread.sleep(500);   // into the merge (a few seconds long here): people loaded and committed, writers started
        daemon.kill();
        String killed = daemon.output();
        assertThat(killed).as("killed during the bootstrap (else this test tests nothing); log %s", first.toAbsolutePath())
                .contains("read 3 environment(s) in full").doesNotContain("built the state store's keys")
                .doesNotContain("bootstrap done");
        assertThat(stagingDirs(staging)).as("the killed bootstrap's staging files").hasSize(1);

        Path second = LOGS.resolve("bootstrap-kill-2-" + System.nanoTime() + ".log");
        daemon = DaemonProcess.start(config, port, envs.processEnv(), second);
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(daemon.isAlive()).as("second daemon alive; log %s", second.toAbsolutePath()).isTrue();
            for (String env : BulkEnvironments.ENVS) {
                Map<String, AccountDataSet.Fields> actual = envs.fields(env);
                assertThat(actual.equals(expected)).as("%s holds the policy's result: %s", env,
                        BootstrapReplayIT.fieldDiff(expected, actual)).isTrue();
            }
        });
        String output = daemon.output();
        assertThat(output).as("second daemon's log %s", second.toAbsolutePath())
                .contains("the state store has no bootstrap yet", "removed the staging files of a bootstrap that did not finish",
                        "bootstrap done");
        assertThat(stagingDirs(staging)).as("staging files left").isEmpty();
        assertThat(daemon.metric("accountsync_quarantined_total", null)).as("quarantined").isEqualTo(0.0);
        assertThat(daemon.stop()).as("exit status after SIGTERM").isIn(0, 143);
    }

    private static List<Path> stagingDirs(Path staging) throws Exception {
        if (!Files.isDirectory(staging)) {
            return List.of();
        }
        try (var dirs = Files.list(staging)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("bootstrap-staging-")).toList();
        }
    }
}
