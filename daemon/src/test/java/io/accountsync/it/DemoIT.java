package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code accountsync demo} as a user runs it: {@code java -jar accountsync.jar demo}, nothing else
 * installed or started. It needs none of the private databases: its PostgreSQL servers are inside
 * the jar.
 */
class DemoIT {
    private static final Path LOGS = Path.of("target", "it-logs");
    private static final Set<String> ENVS = Set.of("trac", "mediawiki", "moodle");
    private static final Pattern EDIT = Pattern.compile("^edit (\\d+)\\s+(trac|mediawiki|moodle)\\s+\\S+: ", Pattern.MULTILINE);
    private static final Pattern SEEN = Pattern.compile("^edit (\\d+)\\s+-> (\\S+)\\s+seen after\\s+(\\d+) ms$", Pattern.MULTILINE);
    private static final Pattern DIR = Pattern.compile("PostgreSQL servers \\(wal_level=logical\\) under (\\S+) \\.\\.\\.");

    @TempDir
    Path tmp;

    private Process process;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldBootstrapTheSampleFarmPropagateLiveEditsEverywhereAndStopCleanlyOnCtrlC() throws Exception {
        assertThat(DaemonProcess.JAR).as("run `mvn verify`: the package phase builds the jar").exists();
        int metricsPort;
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        Path log = LOGS.resolve("demo-" + System.nanoTime() + ".log");
        Files.createDirectories(LOGS);
        // The demo runs for a while and loads classes as it goes: run a copy, immune to rebuilds of the jar.
        Path jar = Files.copy(DaemonProcess.JAR, tmp.resolve("accountsync.jar"));
        List<String> cmd = new ArrayList<>();
        if (sigintIgnored()) {
            // A JVM started with SIGINT ignored (a background job of a non-interactive shell) cannot
            // handle it: give the demo the disposition a terminal gives it.
            cmd.addAll(List.of("env", "--default-signal=INT"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-jar", jar.toString(), "demo", "--edits", "3", "--metrics-port", Integer.toString(metricsPort)));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();

        // One live edit that reached both other applications, each arrival timed.
        Map<Integer, Set<String>> reached = new HashMap<>();
        await().atMost(Duration.ofSeconds(75)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(process.isAlive()).as("demo alive; output:\n%s", Files.readString(log)).isTrue();
            reached.clear();
            String out = Files.readString(log);
            Matcher e = EDIT.matcher(out);
            while (e.find()) {
                reached.computeIfAbsent(Integer.parseInt(e.group(1)), n -> new TreeSet<>()).add(e.group(2));
            }
            Matcher s = SEEN.matcher(out);
            while (s.find()) {
                assertThat(Long.parseLong(s.group(3))).as("latency of a propagation, ms").isBetween(0L, 20_000L);
                reached.computeIfAbsent(Integer.parseInt(s.group(1)), n -> new TreeSet<>()).add(s.group(2));
            }
            return reached.values().stream().anyMatch(envs -> envs.equals(ENVS));
        });
        String beforeStop = Files.readString(log);
        assertThat(beforeStop)
                .contains("before: each application has its own idea of its people")
                .contains("0 conflict(s) left open")
                .contains("after: every application holds every person, with the same name, address and verification");
        Matcher dirMatch = DIR.matcher(beforeStop);
        assertThat(dirMatch.find()).as("the demo names its directory:\n%s", beforeStop).isTrue();
        Path dir = Path.of(dirMatch.group(1));
        assertThat(dir).isDirectory();

        // The daemon's own /metrics, on the port asked for: every environment's capture up, events counted.
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        for (String env : ENVS) {
            assertThat(metric(metrics.body(), "accountsync_env_up", env)).as("env_up of %s", env).isEqualTo(1.0);
        }
        assertThat(metric(metrics.body(), "accountsync_events_total", null)).as("events captured").isGreaterThan(0.0);

        // Ctrl-C: the daemon stops first, then the databases; exit status 0, nothing left behind.
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        assertThat(process.waitFor(45, TimeUnit.SECONDS)).as("demo stopped within 45 s of SIGINT").isTrue();
        String out = Files.readString(log);
        assertThat(process.exitValue()).as(out).isZero();
        assertThat(out).contains("SIGINT: stopping").contains("daemon stopped (capture offsets flushed)")
                .contains("stopping the PostgreSQL servers").contains("accountsync demo stopped");
        assertThat(dir).as("temporary directory removed").doesNotExist();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(dir.toString())))
                .as("no PostgreSQL server of the demo left running").isEmpty();
    }

    /** The sum of a metric's samples, those with {@code env="<env>"} when env is given. */
    private static double metric(String text, String name, String env) {
        double sum = 0;
        boolean found = false;
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE).matcher(text);
        while (m.find()) {
            String labels = m.group(1) == null ? "" : m.group(1);
            if (env == null || labels.contains("env=\"" + env + "\"")) {
                sum += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }

    /** Whether this JVM was started with SIGINT ignored, which its children inherit. */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
            }
        }
        return false;
    }
}
