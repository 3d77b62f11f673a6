package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.config.StateStoreConfig;
import io.accountsync.state.CanonicalValue;
import io.accountsync.state.StateDao;
import io.accountsync.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crash suite: {@code kill -9} of the daemon at random moments while users update accounts in
 * three environments (PostgreSQL a and b, MariaDB c), each kill followed by a restart on the same
 * state store and capture offsets. Afterwards every environment holds, for every account and
 * field, the value last written anywhere (no lost update), the environments agree (no divergent
 * account), and the state store's canonical values and audit log say what happened
 * ({@link AuditConsistency}).
 *
 * <p>CI size by default: 3 kills during 3,000 updates. The full size is {@code ops/reliability crash}
 * (20 kills during 100,000 updates); every size is a system property ({@code crash.kills},
 * {@code crash.updates}, {@code crash.accounts}, {@code crash.rate}, {@code crash.seed},
 * {@code crash.max-downtime-ms}, {@code crash.catch-up-timeout-s}). The figures go to
 * {@code target/crash-suite/report.md}.
 *
 * <p>After each restart the suite measures the <em>time to converge</em>: from the restart until every
 * update committed before it (while the daemon was down, or not yet applied when it was killed) is
 * visible in all three environments, while the users keep writing. The next kill comes only after
 * that (or after {@code crash.catch-up-timeout-s}: the values still behind are recorded and the run
 * goes on, so that its figures count them), at a random update number; users who get there first
 * wait for it.
 */
class CrashSuiteIT {
    private static final Logger LOG = LoggerFactory.getLogger(CrashSuiteIT.class);
    private static final Path LOGS = Path.of("target", "it-logs", "crash-suite-" + System.currentTimeMillis());
    private static final Path REPORT = Path.of("target", "crash-suite", "report.md");
    private static final Duration MIN_GAP = Duration.ofSeconds(2);
    private static final Duration SETTLED = Duration.ofSeconds(60);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(Long.getLong("crash.catch-up-timeout-s", 180));
    private static final Pattern JAR_TROUBLE = Pattern.compile(
            "Unable to access jarfile|Invalid or corrupt jarfile|NoClassDefFoundError|ClassNotFoundException|ZipException|zip file");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    private ThreeEnvFixture fx;
    private DaemonProcess daemon;
    private CrashWorkload workload;
    /** Per account and field, the update given up on after a restart (-1: none). */
    private long[] abandoned;
    /** What was still behind after restarts that never caught up, with a diagnosis each. */
    private final List<String> stuck = new ArrayList<>();

    /** How big a run is; the defaults are the CI size. */
    record Size(int kills, int updates, int accounts, double rate, long seed, Duration maxDowntime) {
        static Size fromSystemProperties() {
            Size s = new Size(Integer.getInteger("crash.kills", 3), Integer.getInteger("crash.updates", 3000),
                    Integer.getInteger("crash.accounts", 300), Double.parseDouble(System.getProperty("crash.rate", "120")),
                    Long.getLong("crash.seed", Math.floorMod(System.nanoTime(), 100_000L)),
                    Duration.ofMillis(Long.getLong("crash.max-downtime-ms", 3000)));
            if (s.kills < 1 || s.updates < s.kills * 10 || s.accounts < 3 || s.rate <= 0) {
                throw new IllegalArgumentException("crash suite size makes no sense: " + s);
            }
            return s;
        }
    }

    /** One kill and the restart after it. */
    record Restart(int n, long atUpdate, Duration downtime, Duration ready, Duration converged, int launches, double load,
                   Behind behind) {
        boolean caughtUp() {
            return converged != null;
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (workload != null) {
            workload.close();
        }
        if (daemon != null) {
            daemon.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void shouldLoseNothingWhenKilledAtRandomMomentsDuringUpdates() throws Exception {
        Size size = Size.fromSystemProperties();
        LOG.info("crash suite: {}", size);
        warmUp();
        long began = System.nanoTime();
        Random random = new Random(size.seed());
        fx = new ThreeEnvFixture(tmp);
        workload = new CrashWorkload(fx, size.accounts(), size.updates(), size.rate(), MIN_GAP, size.seed(), 3);
        workload.seed();
        abandoned = new long[size.accounts() * CrashWorkload.FIELDS.size()];
        Arrays.fill(abandoned, -1);
        // conflicts: newer, field (the fixture's default): the later source commit wins, field by field.
        Path config = fx.writeConfig("crash", false, null);
        daemon = launch(config, "start-0").daemon();
        try {
            fx.awaitConverged(Duration.ofMinutes(3));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the initial bootstrap did not converge: " + fx.differences() + "; log " + daemon.log(), e);
        }

        long[] killAt = killPoints(size, random);
        workload.gate(killAt[0]);
        long writesBegan = System.nanoTime();
        workload.start();
        List<Restart> restarts = new ArrayList<>();
        for (int k = 0; k < size.kills(); k++) {
            workload.awaitTaken(killAt[k]);
            long atUpdate = workload.taken();
            daemon.kill();
            long killed = System.nanoTime();
            workload.gate(k + 1 < size.kills() ? killAt[k + 1] : Long.MAX_VALUE);
            Thread.sleep(random.nextLong(size.maxDowntime().toMillis() + 1));
            long[] before = workload.snapshot();   // every update committed before the restart
            Launch launch = launch(config, "restart-" + (k + 1));
            daemon = launch.daemon();
            Behind[] left = new Behind[1];
            Duration converged = awaitCaughtUp(before, launch.startedAt(), k + 1, left);
            Restart r = new Restart(k + 1, atUpdate, Duration.ofNanos(launch.startedAt() - killed), launch.ready(),
                    converged, launch.launches(), load(), left[0]);
            restarts.add(r);
            LOG.info("kill {} at update {}: down {} ms, ready after {} ms, converged after {}", r.n(), atUpdate,
                    r.downtime().toMillis(), r.ready().toMillis(), converged == null ? "never" : converged.toMillis() + " ms");
        }
        workload.awaitDone(Duration.ofSeconds((long) (size.updates() / size.rate()) + 600));
        long writesEnded = System.nanoTime();

        // The end: everything written is everywhere, and is the last value written. Or, if the daemon
        // lost something, the state it settles in (no queue, nothing moving for 15 s), to count what is lost.
        Duration finalConvergence = null;
        long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
        Outcome outcome = null;
        long stableSince = System.nanoTime();
        while (true) {
            Outcome previous = outcome;
            try {
                outcome = outcome();
            } catch (java.sql.SQLException | IllegalStateException unreachable) {
                outcome = new Outcome(-1, -1, List.of("instance unreachable: " + unreachable.getMessage()));
            }
            if (outcome.lost() == 0 && outcome.divergent() == 0) {
                finalConvergence = Duration.ofNanos(System.nanoTime() - writesEnded);
                break;
            }
            if (!outcome.equals(previous) || daemon.metric("accountsync_queue_depth", null) != 0.0) {
                stableSince = System.nanoTime();
            } else if (outcome.divergent() == 0 && System.nanoTime() - stableSince > Duration.ofSeconds(15).toNanos()) {
                break;   // settled with updates lost
            }
            if (System.nanoTime() > deadline || !daemon.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        boolean aliveAtEnd = daemon.isAlive();
        int exit = aliveAtEnd ? daemon.stop() : -1;
        AuditConsistency.Result audit = auditCheck(config);
        Duration total = Duration.ofNanos(System.nanoTime() - began);
        String report = report(size, restarts, outcome, finalConvergence, audit,
                Duration.ofNanos(writesEnded - writesBegan), total, exit);
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, report);
        LOG.info("crash suite report:\n{}", report);

        assertThat(aliveAtEnd).as("daemon still running at the end; log %s", daemon.log()).isTrue();
        assertThat(outcome.lost()).as("lost updates (field values that are not the last one written): %s\n%s",
                outcome.examples(), report).isZero();
        assertThat(outcome.divergent()).as("divergent accounts: %s\n%s", outcome.examples(), report).isZero();
        assertThat(audit.total()).as("audit log inconsistencies:\n%s\n%s", audit.describe(), report).isZero();
        assertThat(restarts.stream().filter(r -> !r.caughtUp()).count())
                .as("restarts after which the updates made before never all arrived:\n%s\n%s",
                        String.join("\n", stuck), report).isZero();
        assertThat(exit).as("exit status after SIGTERM (0 or 143); log %s", daemon.log()).isIn(0, 143);
        assertThat(restarts).hasSize(size.kills());
        assertThat(workload.committed()).isEqualTo(size.updates());
    }

    /**
     * Loads now every class the checks at the end need: other engineers rebuild {@code target/classes}
     * while a long run goes on, and a class first needed after that is missing for a while.
     */
    private void warmUp() throws Exception {
        String url = new StateStoreConfig(null, null, null).effectiveUrl(tmp.resolve("warm-up"));
        try (Connection c = new StateStore(url, null, null).openForUse().connect()) {
            StateDao dao = new StateDao(c);
            dao.accountByKey("nobody");
            dao.canonical(0);
            dao.auditLog(0);
            dao.count("quarantine");
            c.rollback();
        }
        for (Class<?> own : List.of(CrashSuiteIT.class, CrashWorkload.class, AuditConsistency.class, StateDao.class,
                StateStore.class, CanonicalValue.class)) {
            for (Class<?> nested : own.getDeclaredClasses()) {
                Class.forName(nested.getName(), true, own.getClassLoader());
            }
        }
    }

    /**
     * One random update number per kill, each in its own stretch of the run so that the kills spread
     * over it; the last tenth of the updates comes after the last restart.
     */
    private static long[] killPoints(Size size, Random random) {
        long[] out = new long[size.kills()];
        long stretch = size.updates() * 9L / 10 / size.kills();
        for (int k = 0; k < out.length; k++) {
            out[k] = k * stretch + 1 + random.nextLong(stretch - 1);
        }
        return out;
    }

    private record Launch(DaemonProcess daemon, long startedAt, Duration ready, int launches) {
    }

    /**
     * Starts the daemon and waits until every environment's capture is up. Other engineers rebuild
     * the jar meanwhile now and then: a start that fails because the jar is missing or half-written
     * is repeated (and counted), any other failure fails the suite.
     */
    private Launch launch(Path config, String name) throws Exception {
        for (int attempt = 1; ; attempt++) {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!Files.exists(DaemonProcess.JAR) && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            long startedAt = System.nanoTime();
            DaemonProcess d = DaemonProcess.start(config, fx.metricsPort, fx.processEnv(),
                    LOGS.resolve(name + (attempt > 1 ? "-attempt" + attempt : "") + ".log"));
            while (System.nanoTime() < deadline) {
                if (!d.isAlive()) {
                    break;
                }
                if (d.metric("accountsync_env_up", null) == 3.0) {
                    return new Launch(d, startedAt, Duration.ofNanos(System.nanoTime() - startedAt), attempt);
                }
                Thread.sleep(100);
            }
            boolean alive = d.isAlive();
            d.close();
            String output = d.output();
            if (attempt < 4 && JAR_TROUBLE.matcher(output).find()) {
                LOG.warn("{}: the daemon jar was being rebuilt, starting again", name);
                Thread.sleep(5000);
                continue;
            }
            throw new AssertionError(name + ": the daemon " + (alive ? "did not get every environment up within 2 min"
                    : "exited") + "; log " + d.log().toAbsolutePath() + "\n" + tail(output));
        }
    }

    /**
     * Waits until every environment shows, for every account and field, the update in {@code before}
     * or a later one; the time from the restart. Null when that does not happen: when what is behind
     * has not moved for {@link #SETTLED} while the daemon has nothing queued, or after the timeout.
     * The values still behind are then recorded (in {@code left[0]}, with a diagnosis) and left out of
     * later waits, so that the run goes on and its figures count them.
     */
    private Duration awaitCaughtUp(long[] before, long startedAt, int restart, Behind[] left) throws Exception {
        long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
        Behind behind = null;
        long unchangedSince = System.nanoTime();
        String why = "not caught up within " + CATCH_UP_TIMEOUT;
        while (System.nanoTime() < deadline) {
            workload.checkWriters();
            if (!daemon.isAlive()) {
                throw new AssertionError("restart " + restart + ": the daemon exited; log " + daemon.log().toAbsolutePath()
                        + "\n" + tail(daemon.output()));
            }
            Behind previous = behind;
            try {
                behind = behind(before);
            } catch (java.sql.SQLException | IllegalStateException unreachable) {
                // Another test stopped a shared instance for a while: the daemon has to wait for it too.
                behind = null;
            }
            if (behind != null && behind.count() == 0) {
                return Duration.ofNanos(System.nanoTime() - startedAt);
            }
            if (behind == null || previous == null || !behind.indexes().equals(previous.indexes())
                    || daemon.metric("accountsync_queue_depth", null) != 0.0) {
                unchangedSince = System.nanoTime();
            } else if (System.nanoTime() - unchangedSince > SETTLED.toNanos()) {
                why = "settled: nothing queued and nothing moving for " + SETTLED.toSeconds() + " s";
                break;
            }
            Thread.sleep(200);
        }
        String what = "restart " + restart + ": " + why + ": "
                + (behind == null ? "instances unreachable" : behind.describe()) + "\n" + diagnose(before) + daemon.summary()
                + "log " + daemon.log().toAbsolutePath();
        LOG.error("{}", what);
        stuck.add(what);
        left[0] = behind;
        if (behind != null) {
            behind.indexes().forEach(i -> abandoned[i] = before[i]);
        }
        return null;
    }

    /**
     * For a failure message: a few accounts that are behind, with what the writers wrote, what each
     * environment holds, and what the state store says (read while the daemon runs: H2 serves it).
     */
    private String diagnose(long[] before) {
        StringBuilder sb = new StringBuilder();
        try {
            int fields = CrashWorkload.FIELDS.size();
            Map<String, Map<String, ThreeEnvFixture.Row>> rows = new java.util.LinkedHashMap<>();
            for (String env : ThreeEnvFixture.ENVS) {
                rows.put(env, fx.rows(env));
            }
            String url = new StateStoreConfig(null, null, null).effectiveUrl(tmp.resolve("data-crash"));
            try (Connection c = new StateStore(url, null, null).connect()) {
                StateDao dao = new StateDao(c);
                int shown = 0;
                for (int account = 0; account < workload.accounts() && shown < 3; account++) {
                    String user = CrashWorkload.username(account);
                    boolean late = false;
                    for (int f = 0; f < fields; f++) {
                        for (String env : ThreeEnvFixture.ENVS) {
                            ThreeEnvFixture.Row row = rows.get(env).get(user);
                            String value = row == null ? null : f == 1 ? row.email() : row.fullName();
                            late |= before[account * fields + f] >= 0 && CrashWorkload.seqOf(value) < before[account * fields + f];
                        }
                    }
                    if (!late) {
                        continue;
                    }
                    shown++;
                    sb.append("--- ").append(user).append('\n');
                    for (String field : CrashWorkload.FIELDS) {
                        List<CrashWorkload.Write> w = workload.writes(account, field);
                        sb.append("  written ").append(field).append(": ").append(w.subList(Math.max(0, w.size() - 3), w.size())).append('\n');
                    }
                    for (String env : ThreeEnvFixture.ENVS) {
                        sb.append("  ").append(env).append(" holds ").append(rows.get(env).get(user)).append('\n');
                    }
                    java.util.Optional<Long> gid = dao.accountByKey(user);
                    if (gid.isPresent()) {
                        sb.append("  canonical ").append(dao.canonical(gid.get())).append('\n');
                        List<StateDao.AuditEntry> log = dao.auditLog(gid.get());
                        for (StateDao.AuditEntry e : log.subList(Math.max(0, log.size() - 12), log.size())) {
                            sb.append("  audit ").append(e).append('\n');
                        }
                    }
                }
                c.rollback();
            }
        } catch (Exception e) {
            sb.append("(diagnosis failed: ").append(e).append(")\n");
        }
        return sb.toString();
    }

    /**
     * Field values not yet at the update {@code before} names for them: {@code count} (account, field,
     * environment) values, {@code indexes} the (account, field) pairs, {@code reverted} how many of
     * those hold an older value in every environment, the one written to included: overwritten there.
     */
    record Behind(long count, List<String> examples, java.util.Set<Integer> indexes, long reverted) {
        String describe() {
            return count + " field values behind (" + indexes.size() + " account fields, " + reverted
                    + " of them older in every environment), e.g. " + examples;
        }
    }

    private Behind behind(long[] before) throws Exception {
        int fields = CrashWorkload.FIELDS.size();
        long count = 0;
        List<String> examples = new ArrayList<>();
        Map<Integer, Integer> envsBehind = new java.util.TreeMap<>();
        for (String env : ThreeEnvFixture.ENVS) {
            Map<String, ThreeEnvFixture.Row> rows = fx.rows(env);
            for (int account = 0; account < workload.accounts(); account++) {
                ThreeEnvFixture.Row row = rows.get(CrashWorkload.username(account));
                for (int f = 0; f < fields; f++) {
                    int i = account * fields + f;
                    long wanted = before[i];
                    if (wanted >= 0 && wanted == abandoned[i]) {
                        continue;   // given up on after an earlier restart: counted there
                    }
                    String value = row == null ? null : CrashWorkload.FIELDS.get(f).equals("email") ? row.email() : row.fullName();
                    if (row == null || (wanted >= 0 && CrashWorkload.seqOf(value) < wanted)) {
                        count++;
                        envsBehind.merge(i, 1, Integer::sum);
                        if (examples.size() < 3) {
                            examples.add(CrashWorkload.username(account) + "." + CrashWorkload.FIELDS.get(f) + " in " + env
                                    + " = " + value + ", want update " + wanted + " or later");
                        }
                    }
                }
            }
        }
        long reverted = envsBehind.values().stream().filter(n -> n == ThreeEnvFixture.ENVS.size()).count();
        return new Behind(count, examples, envsBehind.keySet(), reverted);
    }

    /** The final rows against the ledger. */
    private record Outcome(long lost, long divergent, List<String> examples) {
    }

    private Outcome outcome() throws Exception {
        Map<String, Map<String, ThreeEnvFixture.Row>> rows = new java.util.LinkedHashMap<>();
        for (String env : ThreeEnvFixture.ENVS) {
            rows.put(env, fx.rows(env));
        }
        long lost = 0;
        long divergent = 0;
        List<String> examples = new ArrayList<>();
        TreeSet<String> usernames = new TreeSet<>();
        rows.values().forEach(r -> usernames.addAll(r.keySet()));
        for (String user : usernames) {
            ThreeEnvFixture.Row a = rows.get("a").get(user);
            if (!Objects.equals(a, rows.get("b").get(user)) || !Objects.equals(a, rows.get("c").get(user))) {
                divergent++;
                if (examples.size() < 6) {
                    examples.add("divergent " + user + ": a=" + a + " b=" + rows.get("b").get(user) + " c=" + rows.get("c").get(user));
                }
            }
        }
        if (usernames.size() != workload.accounts()) {
            divergent += Math.abs(usernames.size() - workload.accounts());
            examples.add(usernames.size() + " usernames, " + workload.accounts() + " accounts written");
        }
        for (int account = 0; account < workload.accounts(); account++) {
            String user = CrashWorkload.username(account);
            for (String field : CrashWorkload.FIELDS) {
                String expected = workload.expected(account, field);
                for (String env : ThreeEnvFixture.ENVS) {
                    ThreeEnvFixture.Row row = rows.get(env).get(user);
                    String actual = row == null ? null : field.equals("email") ? row.email() : row.fullName();
                    if (!expected.equals(actual)) {
                        lost++;
                        if (examples.size() < 12) {
                            examples.add("lost " + user + "." + field + " in " + env + ": " + actual + ", last written "
                                    + expected);
                        }
                        break;   // one lost update per field, however many environments miss it
                    }
                }
            }
        }
        return new Outcome(lost, divergent, examples);
    }

    private AuditConsistency.Result auditCheck(Path config) throws Exception {
        String url = new StateStoreConfig(null, null, null).effectiveUrl(tmp.resolve("data-crash"));
        try (Connection c = new StateStore(url, null, null).openForUse().connect()) {
            AuditConsistency.Result r = AuditConsistency.check(new StateDao(c), workload, env -> fx.instance(env).dialect());
            c.rollback();
            return r;
        }
    }

    private String report(Size size, List<Restart> restarts, Outcome outcome, Duration finalConvergence,
                          AuditConsistency.Result audit, Duration writing, Duration total, int exit) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Crash suite\n\n");
        sb.append(String.format(Locale.ROOT, "kills: %d, updates: %d (%s), accounts: %d, rate: %.0f/s, seed: %d%n",
                restarts.size(), workload.committed(), workload.perEnv(), size.accounts(), size.rate(), size.seed()));
        sb.append(String.format(Locale.ROOT, "lost updates: %d, divergent accounts: %d, audit inconsistencies: %d (%d entries checked)%n",
                outcome.lost(), outcome.divergent(), audit.total(), audit.entries()));
        long[] conv = restarts.stream().filter(Restart::caughtUp).mapToLong(r -> r.converged().toMillis()).sorted().toArray();
        long[] ready = restarts.stream().mapToLong(r -> r.ready().toMillis()).sorted().toArray();
        long never = restarts.stream().filter(r -> !r.caughtUp()).count();
        sb.append(conv.length == 0 ? "time to converge after a restart: never" : String.format(Locale.ROOT,
                "time to converge after a restart (ms): min %d, median %d, max %d", conv[0], median(conv), conv[conv.length - 1]));
        sb.append(never == 0 ? "\n" : String.format(Locale.ROOT, "; %d restart(s) never caught up%n", never));
        long reverted = restarts.stream().filter(r -> r.behind() != null).mapToLong(r -> r.behind().reverted()).sum();
        long fieldsBehind = restarts.stream().filter(r -> r.behind() != null).mapToLong(r -> r.behind().indexes().size()).sum();
        if (never > 0) {
            sb.append(String.format(Locale.ROOT, "updates lost after restarts: %d account fields went back to an older value in every "
                    + "environment (each until its next update); %d more stayed behind in some environment%n",
                    reverted, fieldsBehind - reverted));
        }
        sb.append(String.format(Locale.ROOT, "restart to every capture up (ms): min %d, median %d, max %d%n",
                ready[0], median(ready), ready[ready.length - 1]));
        sb.append(String.format(Locale.ROOT, "after the last update, converged in: %s; writing took %d s, the whole suite %d s; "
                        + "writers' deadlock retries: %d, reconnects: %d; exit after SIGTERM: %d%n",
                finalConvergence == null ? "never (settled with values lost, or timed out)" : finalConvergence.toMillis() + " ms",
                writing.toSeconds(),
                total.toSeconds(), workload.deadlockRetries(), workload.reconnects(), exit));
        if (!outcome.examples().isEmpty()) {
            sb.append("examples: ").append(outcome.examples()).append('\n');
        }
        if (audit.total() > 0) {
            sb.append(audit.describe());
        }
        for (String incident : stuck) {
            sb.append(incident, 0, incident.indexOf('\n') < 0 ? incident.length() : incident.indexOf('\n')).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "machine: %d cores, load average (1 min) at the restarts: %s%n",
                Runtime.getRuntime().availableProcessors(), restarts.stream().map(r -> String.format(Locale.ROOT, "%.1f", r.load())).toList()));
        sb.append("\n| kill | at update | down (ms) | ready (ms) | converged (ms) | load |\n|---:|---:|---:|---:|---:|---:|\n");
        for (Restart r : restarts) {
            sb.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %s%s | %.1f |%n", r.n(), r.atUpdate(), r.downtime().toMillis(),
                    r.ready().toMillis(), r.caughtUp() ? Long.toString(r.converged().toMillis())
                            : r.behind() == null ? "never" : "never: " + r.behind().indexes().size() + " fields behind, "
                            + r.behind().reverted() + " older everywhere",
                    r.launches() > 1 ? " (jar rebuilt: " + r.launches() + " starts)" : "",
                    r.load()));
        }
        return sb.toString();
    }

    /** The machine's 1-minute load average (timings depend on what else runs), NaN where unknown. */
    private static double load() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static long median(long[] sorted) {
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static String tail(String output) {
        String[] lines = output.split("\n");
        return String.join("\n", Arrays.asList(lines).subList(Math.max(0, lines.length - 30), lines.length));
    }
}
