package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.accountsync.status.DaemonStatus;
import io.accountsync.status.EnvStatus;
import io.accountsync.status.StatusJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code accountsync status} against a running daemon (its /status), then from the state store after it stopped. */
class StatusIT {
    private static final Path LOGS = Path.of("target", "it-logs");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

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

    private DaemonProcess.Result status(Path config, String... extra) throws Exception {
        String[] args = new String[3 + extra.length];
        args[0] = "status";
        args[1] = "-c";
        args[2] = config.toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        return DaemonProcess.run(fx.processEnv(), LOGS.resolve("status-cmd-" + System.nanoTime() + ".log"), args);
    }

    /** The JSON document in a command's output (stderr may hold a line before it). */
    private static DaemonStatus json(String output) throws Exception {
        return StatusJson.read(output.substring(output.indexOf('{')));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.metricsPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The block of one environment in the text screen: from its heading to the next blank line. */
    private static String block(String text, String env) {
        int start = text.indexOf("\n" + env + "  ");
        assertThat(start).as("a block for %s in:\n%s", env, text).isPositive();
        int end = text.indexOf("\n\n", start + 1);
        return end < 0 ? text.substring(start) : text.substring(start, end);
    }

    @Test
    void shouldShowEachEnvironmentFromTheDaemonAndThenFromTheStateStore() throws Exception {
        fx = new ThreeEnvFixture(tmp);
        for (int i = 0; i < 9; i++) {
            fx.insert(ThreeEnvFixture.ENVS.get(i % 3), "user" + i, "User " + i, "user" + i + "@example.org");
        }
        Path config = fx.writeConfig("status", false, null, MetricsIT.ownServerId());
        daemon = DaemonProcess.start(config, fx.metricsPort, fx.processEnv(), LOGS.resolve("status-" + System.nanoTime() + ".log"));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() -> {
            assertThat(daemon.isAlive()).as("daemon alive; log %s", daemon.log()).isTrue();
            assertThat(get("/health/ready").statusCode()).as("ready").isEqualTo(200);
        });
        fx.awaitConverged(Duration.ofSeconds(60));
        // A change in every environment: each has a position and a last event, each was written to.
        for (String env : ThreeEnvFixture.ENVS) {
            fx.update(env, "user" + ThreeEnvFixture.ENVS.indexOf(env), "full_name", "Changed in " + env);
        }
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> fx.converged() && fx.row("b", "user2").fullName().equals("Changed in c"));

        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/health").statusCode()).isEqualTo(200);
        HttpResponse<String> http = get("/status");
        assertThat(http.statusCode()).isEqualTo(200);
        DaemonStatus live = StatusJson.read(http.body());
        assertThat(live.source()).isEqualTo(DaemonStatus.FROM_DAEMON);
        assertThat(live.daemonState()).isEqualTo("RUNNING");
        assertThat(live.ready()).isTrue();
        assertThat(live.openConflicts()).isZero();
        assertThat(live.environments()).extracting(EnvStatus::name).containsExactly("a", "b", "c");
        for (EnvStatus e : live.environments()) {
            assertThat(e.up()).as("%s up", e.name()).isTrue();
            assertThat(e.engineState()).isEqualTo("RUNNING");
            assertThat(e.lastPosition()).as("%s position", e.name()).isNotBlank();
            assertThat(e.lastEventAt()).isNotNull();
            assertThat(e.events()).isPositive();
            assertThat(e.captureLagSeconds()).isNotNull().isLessThan(5.0);
            assertThat(e.applyLagP50Seconds()).as("%s apply lag p50", e.name()).isNotNull().isLessThan(5.0);
            assertThat(e.applyLagP99Seconds()).isNotNull().isGreaterThanOrEqualTo(e.applyLagP50Seconds());
            assertThat(e.queueDepth()).isZero();
            assertThat(e.applyErrors()).isZero();
            assertThat(e.engineFailures()).isZero();
            assertThat(e.lastError()).isNull();
        }
        assertThat(live.environments().get(2).dialect()).isEqualTo("mariadb");

        DaemonProcess.Result text = status(config);
        assertThat(text.exitCode()).as(text.output()).isZero();
        assertThat(text.output()).startsWith("daemon RUNNING (ready), started ")
                .contains("from http://127.0.0.1:" + fx.metricsPort + "/status").contains("open conflicts: 0");
        for (String env : ThreeEnvFixture.ENVS) {
            String b = block(text.output(), env);
            assertThat(b).contains(env + "  " + (env.equals("c") ? "mariadb" : "postgresql") + ", both  UP")
                    .contains("capture          RUNNING").containsPattern("source position  \\S")
                    .containsPattern("last event       \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ \\(.* ago\\), \\d+ events")
                    .containsPattern("capture lag      \\d+\\.\\d{3} s")
                    .containsPattern("apply lag        p50 \\d+\\.\\d{3} s, p99 \\d+\\.\\d{3} s \\(last 5 min\\)")
                    .contains("queue            empty")
                    .contains("errors           capture failures 0, apply errors 0, quarantined 0");
        }
        DaemonProcess.Result asJson = status(config, "--json");
        assertThat(asJson.exitCode()).isZero();
        DaemonStatus fromCommand = json(asJson.output());
        assertThat(fromCommand.source()).isEqualTo(DaemonStatus.FROM_DAEMON);
        assertThat(fromCommand.environments()).hasSize(3).allMatch(e -> Boolean.TRUE.equals(e.up()));
        Map<String, String> positions = live.environments().stream()
                .collect(Collectors.toMap(EnvStatus::name, EnvStatus::lastPosition));

        // Stopped: the same command reads the state store, and says so.
        assertThat(daemon.stop()).isIn(0, 143);
        DaemonProcess.Result offline = status(config);
        assertThat(offline.exitCode()).as(offline.output()).isZero();
        assertThat(offline.output()).contains("daemon not running (from the state store)")
                .contains("nothing answers on http://127.0.0.1:" + fx.metricsPort + "/status")
                .contains("open conflicts: 0");
        for (String env : ThreeEnvFixture.ENVS) {
            String b = block(offline.output(), env);
            assertThat(b).as(offline.output()).doesNotContain("UP").doesNotContain("DOWN")
                    .containsPattern("last event       .* ago\\), \\d+ events")
                    .contains("(at the last event)")
                    .contains("queue            empty")
                    .contains("quarantined 0");
            assertThat(b).contains("source position  ");
        }
        DaemonStatus stored = json(status(config, "--json").output());
        assertThat(stored.source()).isEqualTo(DaemonStatus.FROM_STATE_STORE);
        assertThat(stored.daemonState()).isEqualTo(DaemonStatus.NOT_RUNNING);
        Map<String, EnvStatus> byName = stored.environments().stream()
                .collect(Collectors.toMap(EnvStatus::name, Function.identity()));
        assertThat(byName.keySet()).containsExactlyInAnyOrder("a", "b", "c");
        for (String env : List.of("a", "b", "c")) {
            // The daemon may have processed an echo after the status was taken: a position at least as far.
            assertThat(byName.get(env).lastPosition()).as("%s position", env).isNotBlank();
            assertThat(byName.get(env).events()).isGreaterThanOrEqualTo(
                    live.environments().stream().filter(e -> e.name().equals(env)).findFirst().orElseThrow().events());
            assertThat(byName.get(env).up()).isNull();
        }
        assertThat(positions).hasSize(3);
    }
}
