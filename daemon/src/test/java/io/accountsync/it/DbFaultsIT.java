package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.accountsync.status.DaemonStatus;
import io.accountsync.status.EnvStatus;
import io.accountsync.status.StatusJson;
import io.accountsync.testsupport.DbInstance;
import io.accountsync.testsupport.FaultDatabases;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database-fault suite: while applications edit every environment, each environment's database instance is
 * restarted mid-stream, one is stopped for 30 s, a target row is locked by another transaction for 30 s, and then a
 * PostgreSQL replication slot is dropped and a MariaDB binlog purged. The first three must cost nothing but time (lag
 * rises, then recovers); the last two must end in a clear, actionable state — the environment's capture HALTED with a
 * message that says how to re-bootstrap it, in the log, {@code /status}, {@code accountsync status} and the
 * engine-state metric, while the others keep syncing — and doing what the message says must bring it back. At the
 * end every account holds its last written value in every environment: nothing lost.
 *
 * <p>Environments: {@code a} on pgfault, {@code b} on pgfault2 (PostgreSQL), {@code c} on mariadbfault — instances of
 * their own ({@link FaultDatabases}), since pg1, pg2 and mariadb are shared with every other test. The measured
 * figures (lag peaks, recovery times, lost updates) go to {@code target/it-logs/db-faults-summary.txt}.
 *
 * <p>CI mode (the default, run by {@code ops/test}) uses the real 30 s outage and lock. Full mode
 * ({@code -Daccountsync.faults=full}) restarts every instance three times, with three times as many accounts and
 * edits: see the README.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DbFaultsIT {
    private static final Path LOGS = Path.of("target", "it-logs");
    private static final Path SUMMARY = LOGS.resolve("db-faults-summary.txt");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final boolean FULL = "full".equalsIgnoreCase(System.getProperty("accountsync.faults", "ci"));
    private static final int ACCOUNTS_PER_ENV = FULL ? 60 : 20;
    private static final int RESTART_ROUNDS = FULL ? 3 : 1;
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Duration LOCK = Duration.ofSeconds(30);
    private static final Duration EDIT_INTERVAL = Duration.ofMillis(FULL ? 40 : 100);
    private static final List<String> ENVS = ThreeEnvFixture.ENVS;

    // Static: instance fields are injected only after @BeforeAll, even per class.
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path tmp;
    private ThreeEnvFixture fx;
    private Path config;
    private volatile DaemonProcess daemon;
    private final Map<String, Writer> writers = new LinkedHashMap<>();
    /** The last value written to each account (by its home environment's writer). */
    private final Map<String, String> lastWritten = new ConcurrentHashMap<>();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final List<String> report = new ArrayList<>();
    private Thread sampler;
    private volatile boolean sampling = true;
    private Instant suiteStarted;

    // ------------------------------------------------------------------ set-up

    @BeforeAll
    void startFarm() throws Exception {
        suiteStarted = Instant.now();
        fx = new ThreeEnvFixture(tmp, FaultDatabases.pgfault(), FaultDatabases.pgfault2(), FaultDatabases.mariadbfault());
        for (String env : ENVS) {
            List<String> accounts = new ArrayList<>();
            for (int i = 1; i <= ACCOUNTS_PER_ENV; i++) {
                String user = String.format(Locale.ROOT, "f%s%03d", env, i);
                fx.insert(env, user, "Initial " + user, user + "@example.org");
                lastWritten.put(user, "Initial " + user);
                accounts.add(user);
            }
            writers.put(env, new Writer(env, accounts));
        }
        config = fx.writeConfig("faults", false, null, MetricsIT.ownServerId());
        startDaemon("first start");
        fx.awaitConverged(Duration.ofSeconds(60));
        sampler = new Thread(this::sample, "metrics-sampler");
        sampler.setDaemon(true);
        sampler.start();
        writers.values().forEach(Writer::start);
        line("DbFaultsIT (%s mode): %d accounts, %d per environment, edits every %d ms per environment",
                FULL ? "full" : "ci", ACCOUNTS_PER_ENV * 3, ACCOUNTS_PER_ENV, EDIT_INTERVAL.toMillis());
    }

    @AfterAll
    void tearDown() throws Exception {
        for (Writer w : writers.values()) {
            w.stop();
        }
        sampling = false;
        try {
            if (daemon != null) {
                daemon.close();
            }
        } finally {
            try {
                if (fx != null) {
                    fx.close();
                }
            } finally {
                FaultDatabases.stopStarted();
                if (suiteStarted != null) {
                    line("suite time: %d s", Duration.between(suiteStarted, Instant.now()).toSeconds());
                }
                Files.createDirectories(LOGS);
                Files.write(SUMMARY, report, StandardCharsets.UTF_8);
                System.out.println(String.join("\n", report));
            }
        }
    }

    // ------------------------------------------------------------------ the faults

    @Test
    @Order(1)
    void shouldRideOutEachInstanceRestartedMidStream() throws Exception {
        for (int round = 1; round <= RESTART_ROUNDS; round++) {
            for (String env : ENVS) {
                Phase phase = new Phase("restart " + env + "'s instance (" + fx.instance(env).name() + ")");
                fx.instance(env).restart();
                phase.faultOver();
                phase.awaitRecovered(Duration.ofSeconds(90));
            }
        }
        assertNothingLost("after the restarts");
    }

    @Test
    @Order(2)
    void shouldCatchUpAfterAnEnvironmentWasStoppedForThirtySeconds() throws Exception {
        DbInstance b = fx.instance("b");
        Phase phase = new Phase("stop b's instance for " + OUTAGE.toSeconds() + " s");
        double errorsBefore = metrics().value("accountsync_apply_errors_total", "b");
        b.stop();
        try {
            // Meanwhile a and c go on: their edits reach each other, and wait in the outbox for b.
            Thread.sleep(OUTAGE.toMillis() / 3);
            assertOthersSync(List.of("a", "c"), List.of("a", "c"));
            Thread.sleep(Math.max(0, OUTAGE.toMillis() - Duration.between(phase.started, Instant.now()).toMillis()));
            Metrics m = metrics();
            assertThat(m.value("accountsync_env_up", "b")).as("b down").isZero();
            assertThat(m.value("accountsync_queue_depth", "b")).as("patches waiting for b").isPositive();
            assertThat(m.value("accountsync_oldest_pending_seconds", "b")).as("age of the oldest patch for b")
                    .isGreaterThan(OUTAGE.toSeconds() / 2.0);
            assertThat(m.value("accountsync_apply_errors_total", "b")).isGreaterThan(errorsBefore);
        } finally {
            b.start();
        }
        phase.faultOver();
        phase.awaitRecovered(Duration.ofSeconds(90));
        assertNothingLost("after the outage");
    }

    @Test
    @Order(3)
    void shouldWriteALockedRowOnceTheLockIsReleased() throws Exception {
        // One row locked in each target dialect: fc001 in a (PostgreSQL), fa001 in c (MariaDB).
        Phase phase = new Phase("lock a row in a and one in c for " + LOCK.toSeconds() + " s");
        double errorsA = metrics().value("accountsync_apply_errors_total", "a");
        double errorsC = metrics().value("accountsync_apply_errors_total", "c");
        try (Connection lockA = fx.instance("a").connect(fx.database("a"));
             Connection lockC = fx.instance("c").connect(fx.database("c"))) {
            lock(lockA, "fc001");
            lock(lockC, "fa001");
            String toA = writers.get("c").writeNow("fc001");
            String toC = writers.get("a").writeNow("fa001");
            Instant locked = Instant.now();
            // Other accounts and the third environment go on meanwhile.
            // b gets both: a write waiting on a lock in a target holds neither that target's capture nor b's writes.
            await("the locked rows' values in b").atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> toA.equals(valueIn("b", "fc001")) && toC.equals(valueIn("b", "fa001")));
            // Another account still reaches the targets holding the locked rows: only the locked account waits.
            String other = writers.get("b").writeNow("fb002");
            Instant otherWritten = Instant.now();
            await("another account's value in a and c while rows there are locked").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> other.equals(valueIn("a", "fb002")) && other.equals(valueIn("c", "fb002")));
            line("  another account reached both locked targets %d ms after its write",
                    Duration.between(otherWritten, Instant.now()).toMillis());
            Thread.sleep(Math.max(0, LOCK.toMillis() - Duration.between(locked, Instant.now()).toMillis()));
            assertThat(valueIn("a", "fc001")).as("fc001 in a while locked").isNotEqualTo(toA);
            Metrics m = metrics();
            assertThat(m.value("accountsync_apply_errors_total", "a")).as("lock timeouts in a").isGreaterThan(errorsA);
            assertThat(m.value("accountsync_apply_errors_total", "c")).as("lock timeouts in c").isGreaterThan(errorsC);
            assertThat(status().environments()).filteredOn(e -> !e.name().equals("b"))
                    .allMatch(e -> Boolean.FALSE.equals(e.applyHealthy()), "writes to a and c reported failing");
            lockA.rollback();
            lockC.rollback();
            phase.faultOver();
            Instant released = Instant.now();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> toA.equals(valueIn("a", "fc001")) && toC.equals(valueIn("c", "fa001")));
            line("  locked writes landed %d ms after the locks were released",
                    Duration.between(released, Instant.now()).toMillis());
        }
        phase.awaitRecovered(Duration.ofSeconds(90));
        assertNothingLost("after the locks");
    }

    @Test
    @Order(4)
    void shouldHaltOnADroppedSlotAndAPurgedBinlogAndComeBackWhenReBootstrapped() throws Exception {
        String slot = fx.slot("b");
        Path captureDirB = tmp.resolve("data-faults").resolve("capture").resolve("b");
        Path captureDirC = tmp.resolve("data-faults").resolve("capture").resolve("c");
        Phase dropped = new Phase("drop b's replication slot while the daemon streams");
        dropSlot(fx.instance("b"), slot);
        EnvStatus b = awaitHalted("b");
        dropped.faultOver();
        line("  b HALTED %d ms after its slot was dropped", Duration.between(dropped.started, dropped.faultOver).toMillis());
        assertThat(b.lastError()).startsWith("env b: replication slot " + slot + " is gone")
                .containsPattern("changes after lsn [0-9A-F]+/[0-9A-F]+ cannot be read any more")
                .contains("Capture of b is HALTED and not retried")
                .contains("Re-bootstrap b: stop the daemon, delete " + captureDirB + " (its capture offsets), start the"
                        + " daemon: it reads b in full");
        assertThat(b.up()).isFalse();
        Metrics m = metrics();
        assertThat(m.value("accountsync_engine_state", "b", "state=\"HALTED\"")).as("engine state metric").isEqualTo(1.0);
        assertThat(m.value("accountsync_engine_state", "b", "state=\"RUNNING\"")).isZero();
        assertThat(m.value("accountsync_env_up", "b")).isZero();
        assertThat(daemon.output()).contains("ERROR").contains(b.lastError());
        DaemonProcess.Result cli = DaemonProcess.run(fx.processEnv(), LOGS.resolve("faults-status-" + System.nanoTime()
                + ".log"), "status", "-c", config.toString());
        assertThat(cli.output()).contains("capture          HALTED, not retried").contains(b.lastError());
        // The others keep syncing, into b too; only b's own edits wait for the re-bootstrap.
        assertOthersSync(List.of("a", "c"), ENVS);

        stopDaemon();
        Thread.sleep(1_500);   // c's writer goes on: these edits are in the binlog that is purged next
        purgeBinlog(fx.instance("c"));
        startDaemon("start after the purge");
        Instant running = Instant.now();
        EnvStatus c = awaitHalted("c");
        line("purge c's binlog while the daemon is stopped, start it again");
        line("  c HALTED %d ms after the daemon was RUNNING", Duration.between(running, Instant.now()).toMillis());
        assertThat(c.lastError()).startsWith("env c: the binlog holding it has been purged: the oldest binlog on the"
                        + " server, ")
                .containsPattern("changes after GTID \\d+-\\d+-\\d+ \\(binlog \\S+:\\d+\\) cannot be read any more")
                .contains("Re-bootstrap c: stop the daemon, delete " + captureDirC + " (its capture offsets)");
        assertThat(envStatus("b").engineState()).as("b still halted after a restart").isEqualTo("HALTED");
        awaitUp("a");   // its engine starts after the halted ones have been checked
        assertOthersSync(List.of("a"), ENVS);

        // What the messages say: stop the daemon, delete the environment's capture offsets, start the daemon.
        Phase reboot = new Phase("re-bootstrap b and c as their messages say");
        stopDaemon();
        deleteTree(captureDirB);
        deleteTree(captureDirC);
        startDaemon("start after deleting the capture offsets of b and c");
        reboot.faultOver();
        reboot.awaitRecovered(Duration.ofSeconds(90));
        assertNothingLost("after the re-bootstrap of b and c");
        // Their writes waited until their catch-up reads were merged (CatchUpReadTest says why).
        for (String env : List.of("b", "c")) {
            assertThat(daemon.output()).contains("writes to " + env + " wait until its catch-up read is merged")
                    .containsPattern("caught up with " + env + ": \\d+ local accounts read and merged in [0-9.]+ s");
        }
        assertThat(daemon.output()).doesNotContain(fx.instance("a").password());
    }

    // ------------------------------------------------------------------ checks

    /** Pauses the writers, waits until every account holds its last written value everywhere, resumes. */
    private void assertNothingLost(String when) throws Exception {
        writers.values().forEach(Writer::pause);
        try {
            Instant from = Instant.now();
            try {
                awaitValues(when, "f", ENVS);
            } finally {
                long lost = lostUpdates();
                line("  %s: %d accounts checked in %d environments, lost %d, converged in %d ms", when,
                        lastWritten.size(), ENVS.size(), lost, Duration.between(from, Instant.now()).toMillis());
            }
        } finally {
            writers.values().forEach(Writer::resume);
        }
    }

    /** Waits until the accounts whose name starts with {@code prefix} hold their last written value in {@code envs}. */
    private void awaitValues(String what, String prefix, List<String> envs) {
        await(what).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .untilAsserted(() -> {
                    for (String env : envs) {
                        Map<String, String> expected = filter(lastWritten, prefix);
                        assertThat(valuesIn(env, expected.keySet(), prefix)).as("%s: values in %s", what, env)
                                .containsExactlyInAnyOrderEntriesOf(expected);
                    }
                });
    }

    /** Accounts (of all environments) whose value differs from the last write somewhere; 0 when nothing was lost. */
    private long lostUpdates() throws SQLException {
        long lost = 0;
        Map<String, Map<String, String>> byEnv = new HashMap<>();
        for (String env : ENVS) {
            byEnv.put(env, valuesIn(env, lastWritten.keySet(), "f"));
        }
        for (Map.Entry<String, String> e : lastWritten.entrySet()) {
            for (String env : ENVS) {
                if (!e.getValue().equals(byEnv.get(env).get(e.getKey()))) {
                    lost++;
                    break;
                }
            }
        }
        return lost;
    }

    /** An edit made now in each of {@code sources} reaches every one of {@code targets} within seconds. */
    private void assertOthersSync(List<String> sources, List<String> targets) throws Exception {
        for (String from : sources) {
            String user = "f" + from + "002";   // never edited at random: see Writer
            String value = writers.get(from).writeNow(user);
            for (String to : targets) {
                await(from + "'s edit in " + to).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .ignoreExceptions().until(() -> value.equals(valueIn(to, user)));
            }
        }
    }

    private EnvStatus awaitHalted(String env) {
        return await(env + " HALTED").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> envStatus(env), e -> "HALTED".equals(e.engineState()));
    }

    private void awaitUp(String env) {
        await(env + " up").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> metrics().value("accountsync_env_up", env) == 1.0);
    }

    // ------------------------------------------------------------------ faults

    /** Drops a replication slot in use: ends its walsender and drops it before Debezium reconnects (retried). */
    private static void dropSlot(DbInstance db, String slot) throws Exception {
        try (Connection c = db.connect(db.adminDatabase())) {
            SQLException last = null;
            for (int attempt = 0; attempt < 200; attempt++) {
                try (Statement st = c.createStatement()) {
                    st.execute("select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = '"
                            + slot + "' and active_pid is not null");
                    st.execute("select pg_drop_replication_slot('" + slot + "')");
                    return;
                } catch (SQLException e) {
                    last = e;   // still active: the walsender is exiting, or Debezium reconnected first
                    Thread.sleep(10);
                }
            }
            throw new AssertionError("could not drop slot " + slot, last);
        }
    }

    /** Rotates the binlog and purges every older file (retried while a binlog is still held open). */
    private static void purgeBinlog(DbInstance db) throws Exception {
        try (Connection c = db.connect(db.adminDatabase()); Statement st = c.createStatement()) {
            st.execute("flush binary logs");
            String newest;
            try (ResultSet rs = st.executeQuery("show master status")) {
                rs.next();
                newest = rs.getString(1);
            }
            await("purge to " + newest).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                st.execute("purge binary logs to '" + newest + "'");
                try (ResultSet rs = st.executeQuery("show binary logs")) {
                    rs.next();
                    return rs.getString(1).equals(newest);
                }
            });
        }
    }

    private static void lock(Connection c, String user) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("select full_name from users where username = ? for update")) {
            ps.setString(1, user);
            ps.executeQuery().close();
        }
    }

    // ------------------------------------------------------------------ the daemon

    private void startDaemon(String why) throws Exception {
        daemon = DaemonProcess.start(config, fx.metricsPort, fx.processEnv(),
                LOGS.resolve("faults-" + System.nanoTime() + ".log"));
        await("daemon running (" + why + ")").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().untilAsserted(() -> {
                    assertThat(daemon.isAlive()).as("daemon alive; log %s", daemon.log()).isTrue();
                    assertThat(status().daemonState()).isEqualTo("RUNNING");
                });
    }

    private void stopDaemon() throws Exception {
        assertThat(daemon.stop()).as("exit status; log %s", daemon.log()).isIn(0, 143);
    }

    private DaemonStatus status() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.metricsPort
                + "/status")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return StatusJson.read(r.body());
    }

    private EnvStatus envStatus(String env) throws Exception {
        return status().environments().stream().filter(e -> e.name().equals(env)).findFirst().orElseThrow();
    }

    private Metrics metrics() {
        DaemonProcess d = daemon;
        String text = d == null ? null : d.metrics();
        return new Metrics(text == null ? "" : text);
    }

    // ------------------------------------------------------------------ values

    private String valueIn(String env, String user) throws SQLException {
        try (Connection c = fx.instance(env).connect(fx.database(env));
             PreparedStatement ps = c.prepareStatement("select full_name from users where username = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private Map<String, String> valuesIn(String env, java.util.Collection<String> users, String prefix) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = fx.instance(env).connect(fx.database(env)); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select username, full_name from users")) {
            while (rs.next()) {
                if (rs.getString(1).startsWith(prefix) && users.contains(rs.getString(1))) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    private static Map<String, String> filter(Map<String, String> values, String prefix) {
        Map<String, String> out = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k, v);
            }
        });
        return out;
    }

    // ------------------------------------------------------------------ measuring

    private void line(String format, Object... args) {
        String s = String.format(Locale.ROOT, format, args);
        report.add(s);
        System.out.println(s);
    }

    private void sample() {
        while (sampling) {
            Metrics m = metrics();
            if (!m.text.isEmpty()) {
                samples.add(new Sample(Instant.now(), m));
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private record Sample(Instant at, Metrics metrics) {
    }

    /**
     * One fault: from its start until the farm has recovered — every capture up, nothing waiting in any outbox for
     * more than a second, capture lag back under 2 s — with the peaks of capture lag and of the oldest waiting patch
     * per environment in between.
     */
    private final class Phase {
        final String name;
        final Instant started = Instant.now();
        Instant faultOver;

        Phase(String name) {
            this.name = name;
            line("%s", name);
        }

        void faultOver() {
            faultOver = Instant.now();
        }

        void awaitRecovered(Duration timeout) {
            await(name + ": recovered").atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
                Metrics m = metrics();
                for (String env : ENVS) {
                    if (m.value("accountsync_env_up", env) != 1.0
                            || m.value("accountsync_oldest_pending_seconds", env) > 1.0
                            || m.value("accountsync_queue_depth", env) > 0
                            || m.value("accountsync_capture_lag_seconds", env) > 2.0) {
                        return false;
                    }
                }
                return true;
            });
            done();
        }

        void done() {
            Instant end = Instant.now();
            line("  recovered %d ms after the fault ended (fault lasted %d ms)",
                    Duration.between(faultOver, end).toMillis(), Duration.between(started, faultOver).toMillis());
            for (String env : ENVS) {
                double captureLag = 0;
                double pending = 0;
                double depth = 0;
                for (Sample s : samples) {
                    if (!s.at().isBefore(started) && !s.at().isAfter(end)) {
                        captureLag = Math.max(captureLag, s.metrics().value("accountsync_capture_lag_seconds", env));
                        pending = Math.max(pending, s.metrics().value("accountsync_oldest_pending_seconds", env));
                        depth = Math.max(depth, s.metrics().value("accountsync_queue_depth", env));
                    }
                }
                line("  %s: capture lag peak %.1f s, oldest waiting patch peak %.1f s, queue peak %.0f", env, captureLag,
                        pending, depth);
            }
        }
    }

    /** One scrape of /metrics. */
    private static final class Metrics {
        private static final Pattern LINE = Pattern.compile("^([a-z_]+)(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);
        final String text;

        Metrics(String text) {
            this.text = text;
        }

        /** The sum of the samples of {@code name} for {@code env} whose labels contain every filter; 0 when none. */
        double value(String name, String env, String... filters) {
            double sum = 0;
            Matcher m = LINE.matcher(text);
            while (m.find()) {
                String labels = m.group(2) == null ? "" : m.group(2);
                if (m.group(1).equals(name) && labels.contains("env=\"" + env + "\"")
                        && Stream.of(filters).allMatch(labels::contains)) {
                    sum += Double.parseDouble(m.group(3));
                }
            }
            return sum;
        }
    }

    // ------------------------------------------------------------------ the applications

    /**
     * Edits the display name of the accounts whose home is one environment, one at a time with a pause in between,
     * as an application would: a write that fails (the database is down) is retried with the same value until it is
     * in, so the last value written is always known.
     */
    private final class Writer implements Runnable {
        private final String env;
        private final List<String> accounts;
        private final AtomicLong seq = new AtomicLong();
        private final Thread thread;
        private final Object writing = new Object();
        private volatile boolean running = true;
        private volatile boolean paused;
        private Connection connection;

        Writer(String env, List<String> accounts) {
            this.env = env;
            this.accounts = accounts;
            this.thread = new Thread(this, "writer-" + env);
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }

        void pause() {
            paused = true;
            synchronized (writing) {
                // waits for the write in flight
            }
        }

        void resume() {
            paused = false;
        }

        /** Writes a new value to {@code user} now (waiting for the write in flight) and returns it. */
        String writeNow(String user) throws InterruptedException {
            synchronized (writing) {
                return write(user);
            }
        }

        @Override
        public void run() {
            while (running) {
                try {
                    if (!paused) {
                        synchronized (writing) {
                            if (!paused) {
                                // Accounts 001 and 002 are edited by the test alone (locks, sync checks).
                                write(accounts.get(2 + ThreadLocalRandom.current().nextInt(accounts.size() - 2)));
                            }
                        }
                    }
                    Thread.sleep(EDIT_INTERVAL.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
            close();
        }

        private String write(String user) throws InterruptedException {
            String value = "Edit " + seq.incrementAndGet() + " of " + user + " in " + env;
            while (true) {
                try {
                    if (connection == null) {
                        connection = fx.instance(env).connect(fx.database(env));
                    }
                    try (PreparedStatement ps = connection.prepareStatement("update users set full_name = ?, updated_at = "
                            + (env.equals("c") ? "current_timestamp(6)" : "now()") + " where username = ?")) {
                        ps.setString(1, value);
                        ps.setString(2, user);
                        if (ps.executeUpdate() != 1) {
                            throw new AssertionError(user + " missing in " + env);
                        }
                    }
                    lastWritten.put(user, value);
                    return value;
                } catch (SQLException | IllegalStateException e) {
                    close();   // the database is down or restarting: the application tries again
                    Thread.sleep(200);
                }
            }
        }

        private void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // broken anyway
                }
                connection = null;
            }
        }
    }

    /** Deletes a directory tree, as an operator's {@code rm -r} would. */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new AssertionError(dir + " does not exist: the message named the wrong directory");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
