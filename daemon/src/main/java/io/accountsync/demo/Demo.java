package io.accountsync.demo;

import io.accountsync.capture.ErrorMessages;
import io.accountsync.config.AccountsyncConfig;
import io.accountsync.config.ConfigException;
import io.accountsync.config.ConfigLoader;
import io.accountsync.pipeline.BootstrapSummary;
import io.accountsync.pipeline.DaemonState;
import io.accountsync.pipeline.SyncDaemon;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code accountsync demo}: starts the sample farm, runs the daemon on it in-process, then makes
 * live edits until told to stop; stops in order (daemon, then databases) and cleans up.
 */
public final class Demo implements AutoCloseable {

    /**
     * The demo's options.
     *
     * @param dataDir     where the databases, the config and the state go; null for a temporary
     *                    directory removed at the end (a given directory is kept)
     * @param metricsPort the daemon's /metrics port; 0 for any free one
     * @param edits       live edits to make before stopping; 0 for no limit
     * @param interval    time between live edits
     * @param seed        seed of the random edits; null for a random one
     */
    public record Options(Path dataDir, int metricsPort, int edits, Duration interval, Long seed) {
        public Options {
            Objects.requireNonNull(interval, "interval");
            if (edits < 0) {
                throw new IllegalArgumentException("--edits must be 0 or more");
            }
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("--interval must be positive");
            }
            if (metricsPort < 0 || metricsPort > 65535) {
                throw new IllegalArgumentException("--metrics-port must be 0..65535");
            }
        }
    }

    /** Marks a directory as the demo's, so that a later run may empty it. */
    static final String MARKER = ".accountsync-demo";
    private static final List<String> ENVS = List.of("trac", "mediawiki", "moodle");
    private static final Duration PROPAGATION_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration CONVERGE_TIMEOUT = Duration.ofSeconds(60);

    private final Options options;
    private final PrintStream out;
    private final StopSignal stop = new StopSignal();
    private final Map<String, DemoApp> apps = new LinkedHashMap<>();
    private Path dir;
    private boolean temporary;
    private DemoDatabases databases;
    private SyncDaemon daemon;
    private boolean closed;

    public Demo(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /**
     * Runs the demo to its end: after {@link Options#edits} live edits, or on SIGINT/SIGTERM.
     *
     * @return the exit code: 0 after a clean stop, 1 when something failed
     */
    public int run() {
        stop.install(() -> out.printf("%n%s: stopping ...%n", stop.reason()));
        Thread hook = new Thread(this::close, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return runSteps();
        } catch (DemoFailure e) {
            out.println("accountsync demo: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            out.println("accountsync demo failed: " + ErrorMessages.safe(e));
            return 1;
        } finally {
            close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook found everything closed.
            }
        }
    }

    private int runSteps() throws Exception {
        String os = System.getProperty("os.name", "") + "/" + System.getProperty("os.arch", "");
        if (!os.toLowerCase(Locale.ROOT).matches("linux/(amd64|x86_64)")) {
            // The jar carries only the linux-amd64 PostgreSQL binaries (see daemon/pom.xml).
            throw new DemoFailure("the demo's embedded PostgreSQL runs on Linux x86-64 only, not on " + os
                    + "; ops/dev/sample runs the same kind of farm on installed databases");
        }
        int metricsPort = metricsPort(options.metricsPort());
        String metricsUrl = "http://127.0.0.1:" + metricsPort + "/metrics";
        out.println("accountsync demo: a Trac, a MediaWiki and a Moodle database whose accounts disagree,");
        out.println("kept in line by the accountsync daemon running in this process.");
        out.printf("  %-10s %s (and /health) once the daemon runs%n", "metrics", metricsUrl);
        out.printf("  %-10s Ctrl-C: the daemon stops first (capture offsets flushed), then the databases%n", "stop");
        out.println();

        dir = directory(options.dataDir());
        out.println("starting three embedded PostgreSQL servers (wal_level=logical) under " + dir + " ...");
        databases = DemoDatabases.start(ENVS, dir.resolve("postgres"));
        if (stop.requested()) {
            return 0;
        }
        for (String env : ENVS) {
            databases.createDatabase(env, env);
            DemoApp app = switch (env) {
                case "trac" -> new TracApp(databases.connect(env, env));
                case "mediawiki" -> new MediaWikiApp(databases.connect(env, env));
                default -> new MoodleApp(databases.connect(env, env));
            };
            app.createSchema();
            apps.put(env, app);
        }
        seed();
        Path config = writeConfig(metricsPort);
        for (DemoApp app : apps.values()) {
            out.printf("  %-10s %-26s postgresql://%s@127.0.0.1:%d/%s%n", app.env(), app.title(), DemoDatabases.USER,
                    databases.port(app.env()), app.database());
        }
        out.printf("  %-10s %s%n", "config", config);
        out.printf("  %-10s psql -h 127.0.0.1 -p %d -U postgres trac   (no password)%n", "look", databases.port("trac"));
        out.printf("  %-10s %s audit tom -c %s%n", "ask", command(), config);
        out.println();
        printTable("before: each application has its own idea of its people (* = verified address)");
        if (stop.requested()) {
            return 0;
        }

        AccountsyncConfig cfg = load(config);
        out.println();
        out.println("starting the daemon: a capture engine per database, then the bootstrap (the state store is empty) ...");
        long t0 = System.nanoTime();
        daemon = new SyncDaemon(cfg, Clock.systemUTC());
        daemon.start();
        BootstrapSummary summary = daemon.bootstrapSummary();
        out.printf("daemon running after %.1f s; metrics on %s%n", (System.nanoTime() - t0) / 1e9, metricsUrl);
        if (summary != null) {
            out.println("bootstrap (conflicts policy: newer, the application used last wins):");
            summary.table().lines().forEach(l -> out.println("  " + l));
        }
        if (stop.requested()) {
            return 0;
        }
        boolean converged = awaitConverged();
        out.println();
        printTable(converged ? "after: every application holds every person, with the same name, address and verification"
                : "after " + CONVERGE_TIMEOUT.toSeconds() + " s the applications still differ:");
        if (stop.requested()) {
            return 0;
        }

        out.println();
        out.printf("live edits every %s, each made the way its application makes it; %s%n", human(options.interval()),
                options.edits() == 0 ? "Ctrl-C to stop" : options.edits() + " of them, then the demo stops (Ctrl-C stops sooner)");
        LiveEdits live = new LiveEdits(new ArrayList<>(apps.values()), out,
                options.seed() == null ? new Random() : new Random(options.seed()), options.interval(),
                options.edits(), PROPAGATION_TIMEOUT, stop);
        live.run();
        out.println(live.summary());
        return 0;
    }

    private void seed() throws SQLException {
        long now = Instant.now().getEpochSecond();
        Map<String, List<DemoApp.Sample>> accounts = SampleFarm.accounts(now);
        for (DemoApp app : apps.values()) {
            if (app instanceof MoodleApp moodle) {
                moodle.addGuest(now - 400 * 86_400L);
            }
            for (DemoApp.Sample s : accounts.get(app.env())) {
                app.add(s);
            }
        }
    }

    private Path writeConfig(int metricsPort) throws IOException {
        Path passwordFile = dir.resolve("db-password");
        // The servers trust loopback connections; the config still names a secret, as every config must.
        Files.writeString(passwordFile, "postgres\n");
        StringBuilder y = new StringBuilder();
        y.append("# Written by `accountsync demo`: its three applications on embedded PostgreSQL servers.\n");
        y.append("# Other commands work on it while the demo runs, e.g. `accountsync audit tom -c <this file>`.\n");
        y.append("data_dir: state\n");
        y.append("dry_run: false\n");
        y.append("sync_fields: [display_name, email]\n");
        y.append("conflicts:\n  policy: newer\n");
        y.append("metrics:\n  host: 127.0.0.1\n  port: ").append(metricsPort).append('\n');
        y.append("apply:\n  retry_initial: 200ms\n  retry_max: 5s\n");
        y.append("environments:\n");
        for (DemoApp app : apps.values()) {
            y.append("  ").append(app.env()).append(":\n");
            y.append("    dialect: postgresql\n");
            y.append("    connection:\n");
            y.append("      host: 127.0.0.1\n");
            y.append("      port: ").append(databases.port(app.env())).append('\n');
            y.append("      database: ").append(app.database()).append('\n');
            y.append("      user: ").append(DemoDatabases.USER).append('\n');
            y.append("      password_file: db-password\n");
            y.append("    profile:\n      type: ").append(app.env()).append('\n');
        }
        Path file = dir.resolve("accountsync.yaml");
        Files.writeString(file, y.toString());
        return file;
    }

    private static AccountsyncConfig load(Path config) {
        try {
            return ConfigLoader.load(config);
        } catch (ConfigException e) {
            throw new IllegalStateException("the demo wrote a config with problems: " + e.problems());
        }
    }

    /** Waits until every person has the same display name, address and verification in every application. */
    private boolean awaitConverged() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + CONVERGE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (converged() || stop.await(Duration.ofMillis(100))) {
                return !stop.requested();
            }
        }
        return converged();
    }

    private boolean converged() throws SQLException {
        for (String key : keys()) {
            DemoApp.Account first = null;
            for (DemoApp app : apps.values()) {
                Optional<DemoApp.Account> a = app.read(key);
                if (a.isEmpty()) {
                    return false;
                }
                if (first != null && !(Objects.equals(first.displayName(), a.get().displayName())
                        && Objects.equals(first.email(), a.get().email()) && first.verified() == a.get().verified())) {
                    return false;
                }
                first = a.get();
            }
        }
        return true;
    }

    private TreeSet<String> keys() throws SQLException {
        TreeSet<String> keys = new TreeSet<>();
        for (DemoApp app : apps.values()) {
            keys.addAll(app.keys());
        }
        return keys;
    }

    private void printTable(String title) throws SQLException {
        out.println(title);
        List<List<String>> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of(""));
        head.addAll(apps.keySet());
        rows.add(head);
        for (String key : keys()) {
            List<String> row = new ArrayList<>(List.of(key));
            for (DemoApp app : apps.values()) {
                row.add(app.read(key).map(DemoApp.Account::cell).orElse("-"));
            }
            rows.add(row);
        }
        int[] width = new int[head.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).codePointCount(0, row.get(i).length()));
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder(" ");
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                line.append(' ').append(cell).append(" ".repeat(width[i] - cell.codePointCount(0, cell.length()) + 1));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** The port to serve metrics on: the given one when it is free, else an error naming the option. */
    private static int metricsPort(int wanted) throws DemoFailure {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new DemoFailure("port " + wanted + " on 127.0.0.1 is taken (" + e.getMessage()
                    + "): choose another with --metrics-port, 0 picks a free one");
        }
    }

    /** A failure the demo explains itself: its message is all the user needs. */
    private static final class DemoFailure extends Exception {
        DemoFailure(String message) {
            super(message);
        }
    }

    /** A fresh directory: a temporary one, or the given one if it is absent, empty, or an earlier demo's. */
    private Path directory(Path given) throws IOException, DemoFailure {
        if (given == null) {
            temporary = true;
            Path d = Files.createTempDirectory("accountsync-demo-");
            Files.writeString(d.resolve(MARKER), "");
            return d;
        }
        Path d = given.toAbsolutePath().normalize();
        if (Files.isDirectory(d)) {
            boolean empty;
            try (Stream<Path> s = Files.list(d)) {
                empty = s.findAny().isEmpty();
            }
            if (!empty && !Files.exists(d.resolve(MARKER))) {
                throw new DemoFailure(d + " is neither empty nor an earlier demo's directory: give another --data-dir");
            }
            if (!empty) {
                out.println("emptying " + d + " (an earlier demo's)");
                deleteContents(d);
            }
        }
        Files.createDirectories(d);
        Files.writeString(d.resolve(MARKER), "");
        return d;
    }

    private static void deleteContents(Path d) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(d)).toList()) {
                Files.delete(p);
            }
        }
    }

    /** How to run this jar from here, for hints in the output. */
    private static String command() {
        try {
            Path jar = Paths.get(Demo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (jar.toString().endsWith(".jar")) {
                Path cwd = Path.of("").toAbsolutePath();
                Path shown = jar.startsWith(cwd) ? cwd.relativize(jar) : jar;
                return "java -jar " + shown;
            }
        } catch (Exception e) {
            // Not from a jar (tests, IDE): fall through.
        }
        return "accountsync";
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Stops the daemon, then the databases, then removes a temporary directory; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (daemon != null && daemon.state() != DaemonState.FAILED) {
            out.println("stopping the daemon ...");
            daemon.close();
            out.println("daemon stopped (capture offsets flushed)");
        }
        for (DemoApp app : apps.values()) {
            try {
                app.close();
            } catch (SQLException e) {
                // Closing a connection to a server about to stop: nothing to do about it.
            }
        }
        if (databases != null) {
            out.println("stopping the PostgreSQL servers ...");
            databases.close();
        }
        if (dir != null && temporary) {
            try {
                deleteContents(dir);
                Files.deleteIfExists(dir);
            } catch (IOException | UncheckedIOException e) {
                out.println("could not remove " + dir + ": " + e.getMessage());
            }
        } else if (dir != null) {
            out.println("kept " + dir + " (config, state store, databases)");
        }
        if (dir != null) {
            out.println("accountsync demo stopped");
        }
        out.flush();
    }
}
