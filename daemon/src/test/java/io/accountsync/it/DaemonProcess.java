package io.accountsync.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code java -jar accountsync.jar ...} as a separate process, the way an operator runs it. */
public final class DaemonProcess implements AutoCloseable {
    public static final Path JAR = Path.of("target", "accountsync.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final int metricsPort;

    private DaemonProcess(Process process, Path log, int metricsPort) {
        this.process = process;
        this.log = log;
        this.metricsPort = metricsPort;
    }

    /**
     * Runs a command to completion and returns its exit code and output (stdout + stderr): this run's alone, though
     * the log keeps what earlier runs appended to it.
     */
    public static Result run(Map<String, String> env, Path log, String... args) throws IOException, InterruptedException {
        long from = Files.exists(log) ? Files.size(log) : 0;
        Process p = builder(env, log, args).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("accountsync " + String.join(" ", args) + " did not finish in 120 s");
        }
        byte[] all = Files.readAllBytes(log);
        return new Result(p.exitValue(), new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8));
    }

    public record Result(int exitCode, String output) {
    }

    /**
     * An account's audit trail as {@code accountsync audit} prints it, for failure messages: never throws, the
     * output goes to {@code log} too.
     */
    public static String auditTrail(Map<String, String> env, Path log, Path config, String account) {
        try {
            return run(env, log, "audit", account, "-c", config.toString()).output();
        } catch (Exception e) {
            return "(no audit trail: " + e + ")";
        }
    }

    public static DaemonProcess start(Path config, int metricsPort, Map<String, String> env, Path log) throws IOException {
        Process p = builder(env, log, "run", "-c", config.toString()).start();
        return new DaemonProcess(p, log, metricsPort);
    }

    private static ProcessBuilder builder(Map<String, String> env, Path log, String... args) throws IOException {
        if (!Files.exists(JAR)) {
            throw new AssertionError(JAR.toAbsolutePath() + " is missing: run `mvn verify` (the package phase builds it)");
        }
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-Dorg.jooq.no-logo=true");
        cmd.add("-Dorg.jooq.no-tips=true");
        cmd.add("-jar");
        cmd.add(JAR.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return pb;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The Prometheus text from /metrics, or null when the daemon does not answer. */
    public String metrics() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Waits until the daemon is quiet: nothing queued, and neither captured events nor applied statements have moved
     * for {@code stableFor} (late echoes and their repairs included); fails after {@code atMost}.
     */
    public void awaitQuiet(Duration stableFor, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        List<Double> last = null;
        long since = System.nanoTime();
        while (true) {
            List<Double> now = List.of(metric("accountsync_events_total", null),
                    metric("accountsync_apply_statements_total", null), metric("accountsync_queue_depth", null));
            if (!now.equals(last) || now.get(2) != 0.0) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since >= stableFor.toNanos()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the daemon did not settle within " + atMost + ": events, statements, queue = " + now);
            }
            Thread.sleep(250);
        }
    }

    /** The sum of a metric's samples whose labels contain {@code labelFilter} (e.g. {@code env="a"}). */
    public double metric(String name, String labelFilter) {
        String text = metrics();
        if (text == null) {
            return Double.NaN;
        }
        double sum = 0;
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE).matcher(text);
        while (m.find()) {
            String labels = m.group(1) == null ? "" : m.group(1);
            if (labelFilter == null || labels.contains(labelFilter)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** The daemon's own accountsync metrics (histogram buckets left out), for failure messages. */
    public String summary() {
        String text = metrics();
        if (text == null) {
            return "(daemon not answering)";
        }
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.startsWith("accountsync_") && !line.contains("_bucket")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    /** SIGTERM, then wait for a clean exit. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("daemon did not stop within 60 s of SIGTERM; log: " + log);
        }
        return process.exitValue();
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public String output() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
