package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountsync.status.DaemonStatus;
import io.accountsync.status.EnvStatus;
import io.accountsync.status.StatusJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong database password never shows: the daemon runs for a while with one environment whose password is wrong
 * (its capture fails and is retried; as a target, its writes fail and are retried), and neither its log (text and
 * JSON lines), nor /status, /metrics and /health, nor {@code accountsync status} contain the password, URL-encoded
 * or not. The environment shows as down, with the database's own (sanitized) error.
 */
class SecretLeakIT {
    private static final Path LOGS = Path.of("target", "it-logs");
    private static final String BAD_VAR = "ACCOUNTSYNC_TEST_BAD_PASSWORD";
    /** Distinctive, and with characters that URL-encoding and JSON change. */
    private static final String SECRET = "S3cr3t-Zebra-4711#&=%/\"";
    private static final String CORE = "Zebra-4711";
    private static final Duration RUN_FOR = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path tmp;

    private ThreeEnvFixture fx;
    private Process process;

    @AfterEach
    void tearDown() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        if (fx != null) {
            fx.close();
        }
    }

    /** Every form the secret could leak in. */
    private List<String> forbidden() {
        List<String> f = new ArrayList<>(List.of(SECRET, CORE, URLEncoder.encode(SECRET, StandardCharsets.UTF_8),
                SECRET.replace("\"", "\\\""), SECRET.replace("&", "\\u0026")));
        String good = fx.instance("a").password();
        if (good != null && good.length() >= 8 && !good.equals(fx.instance("a").user())) {
            f.add(good);   // the right password of the other environments must not show either
        }
        return f;
    }

    /** Fails naming the place (never printing the text, which would print the secret once more). */
    private void assertNoSecret(String what, String text) {
        List<String> lines = text.lines().toList();
        for (String f : forbidden()) {
            String label = f.contains(CORE) ? "the wrong password (in some form)" : "the right password";
            for (int i = 0; i < lines.size(); i++) {
                assertThat(lines.get(i).contains(f)).as("%s, line %d of %d, contains %s", what, i + 1, lines.size(), label)
                        .isFalse();
            }
        }
    }

    /** The fixture's config with environment b's password replaced by {@value #BAD_VAR}. */
    private Path config(String name, Map<String, String> envExtra) throws IOException {
        Path file = fx.writeConfig(name, false, null, envExtra);
        String yaml = Files.readString(file);
        String line = "password: ${" + ThreeEnvFixture.PASSWORD_VAR + "}";
        int b = yaml.indexOf("\n  b:\n");
        int at = yaml.indexOf(line, b);
        assertThat(b).isPositive();
        assertThat(at).isGreaterThan(b).isLessThan(yaml.indexOf("\n  c:\n"));
        Files.writeString(file, yaml.substring(0, at) + "password: ${" + BAD_VAR + "}" + yaml.substring(at + line.length()));
        return file;
    }

    private Map<String, String> processEnv() {
        Map<String, String> env = new HashMap<>(fx.processEnv());
        env.put(BAD_VAR, SECRET);
        return env;
    }

    /**
     * The daemon's own logback.xml (secret filter, encoder and all) with Debezium and Kafka at DEBUG, where
     * Debezium prints its connector configuration as a plain map: the case the secret filter is there for.
     */
    private Path debugLogging() throws IOException {
        String xml;
        try (var in = SecretLeakIT.class.getResourceAsStream("/logback.xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String debug = xml.replace("<logger name=\"io.debezium\" level=\"WARN\"/>", "<logger name=\"io.debezium\" level=\"DEBUG\"/>")
                .replace("<logger name=\"org.apache.kafka\" level=\"WARN\"/>", "<logger name=\"org.apache.kafka\" level=\"DEBUG\"/>");
        assertThat(debug).contains("io.accountsync.capture.SecretLogFilter").isNotEqualTo(xml);
        Path file = tmp.resolve("logback-debug.xml");
        Files.writeString(file, debug);
        return file;
    }

    /** {@code java [jvmArgs] -jar accountsync.jar ARGS} in the background, output to {@code log}. */
    private Process start(Path log, List<String> jvmArgs, String... args) throws IOException {
        assertThat(DaemonProcess.JAR).as("run `mvn verify`: the package phase builds the jar").exists();
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dorg.jooq.no-logo=true", "-Dorg.jooq.no-tips=true"));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", DaemonProcess.JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(processEnv());
        return pb.start();
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.metricsPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + "\n" + r.body();
    }

    private DaemonStatus liveStatus() throws Exception {
        String r = get("/status");
        assertThat(r).startsWith("200\n");
        return StatusJson.read(r.substring(4));
    }

    private static EnvStatus env(DaemonStatus s, String name) {
        return s.environments().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * Runs the daemon for {@link #RUN_FOR} at least and until {@code settled} holds, looks at everything it shows,
     * stops it, and returns its log and everything else it showed.
     */
    private Map<String, String> runAndCollect(Path config, String logFormat, List<String> jvmArgs,
                                              java.util.function.Predicate<DaemonStatus> settled) throws Exception {
        Path log = LOGS.resolve("secret-leak-" + logFormat + "-" + System.nanoTime() + ".log");
        long started = System.nanoTime();
        process = start(log, jvmArgs, "--log-format", logFormat, "run", "-c", config.toString());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
            assertThat(process.isAlive()).as("daemon alive; log %s", log).isTrue();
            assertThat(settled.test(liveStatus())).as("settled: %s", get("/status")).isTrue();
            assertThat(System.nanoTime() - started).isGreaterThan(RUN_FOR.toNanos());
        });
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put("/status", get("/status"));
        shown.put("/metrics", get("/metrics"));
        shown.put("/health", get("/health"));
        shown.put("/health/ready", get("/health/ready"));
        shown.put("/health/live", get("/health/live"));
        DaemonProcess.Result text = DaemonProcess.run(processEnv(), LOGS.resolve("secret-leak-status-" + System.nanoTime() + ".log"),
                "status", "-c", config.toString());
        assertThat(text.exitCode()).as(text.output()).isZero();
        shown.put("status", text.output());
        DaemonProcess.Result json = DaemonProcess.run(processEnv(), LOGS.resolve("secret-leak-status-" + System.nanoTime() + ".log"),
                "--log-format", "json", "status", "--json", "-c", config.toString());
        assertThat(json.exitCode()).as(json.output()).isZero();
        shown.put("status --json", json.output());
        process.destroy();   // SIGTERM
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM; log %s", log).isTrue();
        DaemonProcess.Result stopped = DaemonProcess.run(processEnv(), LOGS.resolve("secret-leak-status-" + System.nanoTime() + ".log"),
                "status", "-c", config.toString());
        assertThat(stopped.exitCode()).as(stopped.output()).isZero();
        assertThat(stopped.output()).contains("daemon not running (from the state store)");
        shown.put("status (stopped)", stopped.output());
        shown.put("log", Files.readString(log));
        return shown;
    }

    private static boolean captureOfBFailedTwice(DaemonStatus s) {
        EnvStatus b = env(s, "b");
        return Boolean.FALSE.equals(b.up()) && b.engineFailures() != null && b.engineFailures() >= 2
                && Boolean.TRUE.equals(env(s, "a").up()) && Boolean.TRUE.equals(env(s, "c").up());
    }

    @Test
    void shouldNeverShowAWrongPasswordWhileItsCaptureFailsAndRetries() throws Exception {
        fx = new ThreeEnvFixture(tmp);
        for (int i = 0; i < 6; i++) {
            fx.insert(ThreeEnvFixture.ENVS.get(i % 3), "user" + i, "User " + i, "user" + i + "@example.org");
        }
        // Text at the shipped levels; JSON lines with Debezium at DEBUG (it prints its configuration there).
        for (String format : List.of("text", "json")) {
            Path config = config("leak-" + format, MetricsIT.ownServerId());
            List<String> jvmArgs = format.equals("json")
                    ? List.of("-Dlogback.configurationFile=" + debugLogging().toAbsolutePath()) : List.of();
            Map<String, String> shown = runAndCollect(config, format, jvmArgs, SecretLeakIT::captureOfBFailedTwice);
            shown.forEach(this::assertNoSecret);

            DaemonStatus status = StatusJson.read(shown.get("/status").substring(4));
            EnvStatus b = env(status, "b");
            assertThat(b.up()).isFalse();
            assertThat(b.lastError()).contains("password authentication failed for user");
            assertThat(b.lastErrorAt()).isNotNull();
            assertThat(status.ready()).isFalse();
            assertThat(shown.get("/health")).startsWith("503");
            assertThat(shown.get("/health/ready")).startsWith("503");
            assertThat(shown.get("/health/live")).startsWith("200");
            assertThat(shown.get("/metrics")).contains("accountsync_env_up{env=\"b\"} 0.0")
                    .contains("accountsync_env_up{env=\"a\"} 1.0");
            assertThat(shown.get("status")).contains("b  postgresql, both  DOWN")
                    .contains("password authentication failed for user");
            assertThat(shown.get("status --json")).contains("\"last_error\" : \"").contains("password authentication failed");

            String log = shown.get("log");
            assertThat(log).as("the failure is logged").contains("password authentication failed");
            if (format.equals("text")) {
                assertThat(log.lines().filter(l -> l.contains("capture of b failed")))
                        .as("lines about b name it in the env column").isNotEmpty()
                        .allMatch(l -> l.matches("\\S+ \\S+ +WARN +\\[[^\\]]+] b .*"));
            } else {
                List<JsonNode> lines = new ArrayList<>();
                List<String> stray = new ArrayList<>();
                for (String l : log.lines().filter(l -> !l.isBlank()).toList()) {
                    if (l.startsWith("{")) {
                        lines.add(JSON.readTree(l));   // every log line is one JSON object
                    } else {
                        stray.add(l);   // printed by a library straight to stderr, not through logging
                    }
                }
                // Seen once in CI: a stack trace printed outside logging during shutdown (to be traced).
                // Such lines are still scanned for secrets above; here they must stay rare.
                System.out.println("non-JSON output lines: " + stray.size() + (stray.isEmpty() ? "" : " first: " + stray.get(0)));
                assertThat(stray.size()).as("non-JSON lines %s", stray).isLessThan(Math.max(5, lines.size() / 20));
                assertThat(lines).isNotEmpty().allMatch(n -> n.has("timestamp") && n.has("level") && n.has("thread")
                        && n.has("logger") && n.has("message") && n.has("env"));
                List<JsonNode> aboutB = lines.stream().filter(n -> n.get("message").asText().contains("env b:")
                        || n.get("message").asText().contains("capture of b ")).toList();
                assertThat(aboutB).isNotEmpty().allMatch(n -> n.get("env").asText().equals("b"));
                assertThat(lines).anyMatch(n -> n.get("env").asText().equals("b") && n.get("level").asText().equals("ERROR")
                        && n.get("message").asText().contains("password authentication failed"));
            }
        }
    }

    @Test
    void shouldNeverShowAWrongPasswordWhileWritesToATargetFail() throws Exception {
        fx = new ThreeEnvFixture(tmp);
        for (int i = 0; i < 6; i++) {
            fx.insert(i % 2 == 0 ? "a" : "c", "user" + i, "User " + i, "user" + i + "@example.org");
        }
        Map<String, String> extra = new HashMap<>(MetricsIT.ownServerId());
        extra.put("b", "    role: target\n");
        Path config = config("leak-target", extra);
        Map<String, String> shown = runAndCollect(config, "text", List.of(), s -> "RUNNING".equals(s.daemonState())
                && env(s, "b").applyErrors() != null && env(s, "b").applyErrors() >= 2);
        shown.forEach(this::assertNoSecret);

        DaemonStatus status = StatusJson.read(shown.get("/status").substring(4));
        EnvStatus b = env(status, "b");
        assertThat(b.role()).isEqualTo("target");
        assertThat(b.up()).as("a target whose writes fail is down").isFalse();
        assertThat(b.applyHealthy()).isFalse();
        assertThat(b.queueDepth()).as("the creates planned for b wait").isPositive();
        assertThat(shown.get("status")).contains("b  postgresql, target  DOWN").contains("writes failing");
        assertThat(shown.get("log")).contains("password authentication failed");
    }
}
