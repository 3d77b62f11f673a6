package io.accountsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.model.Dialect;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gap-free hand-off from bootstrap to streaming, under load: {@code accountsync run} bootstraps
 * 100,000 accounts per environment (about 10 % divergent, some missing in one environment) while
 * the test makes 500 updates — each to a distinct account and field, with a unique value and
 * {@code updated_at = now()} — spread over the three environments and over the bootstrap's
 * duration, from the moment the daemon process starts. Every one of those updates must end up in
 * every environment, the pre-existing divergent data must converge to the policy's result, and
 * all three environments must end identical. The test logs and prints how long the bootstrap took.
 *
 * <p>A second case holds one transaction open across an environment's bootstrap read (MariaDB
 * {@code c}, with PostgreSQL {@code b} as the control): its change is not in the read and must
 * come through the stream.
 */
class GapFreeHandoffIT {
    private static final Logger LOG = LoggerFactory.getLogger(GapFreeHandoffIT.class);
    private static final Path LOGS = Path.of("target", "it-logs");
    private static final Duration CONVERGE_TIMEOUT = Duration.ofMinutes(10);
    private static final int UPDATES = 500;
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    /**
     * 96,000 accounts everywhere and 6,000 in two of the three environments: about 100,000 rows per
     * environment; about 10 % divergent; a few hostile usernames and names; no empty values.
     */
    static final AccountDataSet.Shape SHAPE = new AccountDataSet.Shape(96_000, 6_000, 0, 0.10, 0.01, 0.005, 0.02);

    /** The daemon's log lines that mark the bootstrap's phases, in order. */
    enum Phase {
        STARTING(null),
        READING("the state store has no bootstrap yet"),
        MERGING("read \\d+ environment\\(s\\) in full in "),
        HANDOFF("bootstrap done"),
        RUNNING("daemon STARTING -> RUNNING");

        final Pattern marker;

        Phase(String regex) {
            this.marker = regex == null ? null : Pattern.compile(regex);
        }
    }

    record Update(int n, String env, String username, String column, String value) {
    }

    record Made(Update update, long atNanos, Phase phase, int rows) {
    }

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    private BulkEnvironments envs;
    private DaemonProcess daemon;
    private Thread updater;
    private Thread watcher;

    @AfterEach
    void tearDown() throws Exception {
        for (Thread t : new Thread[] {updater, watcher}) {
            if (t != null) {
                t.interrupt();
                t.join(10_000);
            }
        }
        if (daemon != null) {
            daemon.close();
        }
        if (envs != null) {
            envs.close();
        }
    }

    @Test
    void shouldKeepEveryUpdateMadeWhileTheBootstrapRuns() throws Exception {
        AccountDataSet data = AccountDataSet.generate(SHAPE, 7_070_707L);
        envs = new BulkEnvironments(tmp, "gap");
        long loadStart = System.nanoTime();
        envs.load(data);
        LOG.info("loaded {} accounts ({}/{}/{} rows in a/b/c, {} divergent) in {} ms", data.usernames().size(),
                data.rows("a").size(), data.rows("b").size(), data.rows("c").size(), data.divergent().size(),
                (System.nanoTime() - loadStart) / 1_000_000);
        List<Update> plan = plan(data);
        Set<String> touched = new HashSet<>();
        plan.forEach(u -> touched.add(u.username()));
        Map<String, AccountDataSet.Fields> expected = data.expected();
        long rowsTotal = data.rows("a").size() + data.rows("b").size() + data.rows("c").size();

        int metricsPort;
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        Path config = envs.writeConfig("gapfree", false, null, metricsPort);
        Path log = LOGS.resolve("gapfree-" + System.nanoTime() + ".log");

        // Start the daemon, the log watcher and the updates at once.
        Map<Phase, Long> seen = new ConcurrentHashMap<>();
        List<Made> made = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> updateFailure = new AtomicReference<>();
        long start = System.nanoTime();
        seen.put(Phase.STARTING, start);
        daemon = DaemonProcess.start(config, metricsPort, envs.processEnv(), log);
        watcher = new Thread(() -> watch(log, seen), "log-watcher");
        watcher.setDaemon(true);
        watcher.start();
        updater = new Thread(() -> {
            try {
                makeUpdates(plan, seen, made);
            } catch (Throwable t) {
                updateFailure.set(t);
            }
        }, "updater");
        updater.setDaemon(true);
        updater.start();

        // Converge: poll the three environments until everything is in place.
        long divergentConverged = -1;
        long converged = -1;
        String lastProblem = "not checked yet";
        long deadline = start + CONVERGE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(2000);
            assertThat(daemon.isAlive()).as("daemon alive; log %s:\n%s", log.toAbsolutePath(), tail(daemon.output(), 6000)).isTrue();
            if (!seen.containsKey(Phase.HANDOFF)) {
                continue;   // nothing can have converged before the bootstrap's merge
            }
            Map<String, Map<String, AccountDataSet.Fields>> now = new LinkedHashMap<>();
            for (String env : BulkEnvironments.ENVS) {
                now.put(env, envs.fields(env));
            }
            long t = System.nanoTime();
            String untouched = untouchedProblems(expected, touched, now);
            if (untouched == null && divergentConverged < 0) {
                divergentConverged = t;
                LOG.info("pre-existing data converged {} ms after the daemon started", (t - start) / 1_000_000);
            }
            if (updater.isAlive()) {
                lastProblem = "updates still being made";
                continue;
            }
            String updates = updateProblems(made, now);
            String identical = identicalProblems(now);
            lastProblem = untouched != null ? untouched : updates != null ? updates : identical;
            if (lastProblem == null) {
                converged = t;
                break;
            }
        }
        if (updateFailure.get() != null) {
            throw new AssertionError("the updates failed", updateFailure.get());
        }
        String output = daemon.output();

        // Numbers: wall time from process start, and the daemon's own bootstrap time from its log.
        Map<Phase, LocalDateTime> logged = loggedPhases(output);
        Report report = new Report(rowsTotal, data.usernames().size(), start, seen, logged, divergentConverged, converged,
                made);
        LOG.info("{}", report);
        System.out.println(report);
        String summary = summaryTable(output);
        LOG.info("bootstrap summary:\n{}", summary);
        System.out.println("bootstrap summary:\n" + summary);

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(made).as("updates made").hasSize(UPDATES);
        soft.assertThat(made.stream().filter(m -> m.rows() != 1).toList()).as("updates that changed no row").isEmpty();
        long during = made.stream().filter(m -> m.phase() == Phase.READING || m.phase() == Phase.MERGING).count();
        soft.assertThat(during).as("updates committed while the bootstrap read and merged (else this test tests nothing); "
                + "by phase: %s", report.byPhase()).isGreaterThan(0);
        soft.assertThat(converged).as("converged within %s: %s\n%s\nlog: %s", CONVERGE_TIMEOUT, lastProblem,
                daemon.summary(), log.toAbsolutePath()).isGreaterThan(0);
        soft.assertThat(output).as("log").contains("the state store has no bootstrap yet").contains("bootstrap done");
        checkSummary(soft, summary, data);
        soft.assertThat(daemon.metric("accountsync_quarantined_total", null)).as("quarantined").isEqualTo(0.0);
        soft.assertAll();
        assertThat(daemon.stop()).as("exit status after SIGTERM").isIn(0, 143);
    }

    /**
     * Transactions are not instants: an application's transaction may start (or wait on a lock)
     * before an environment's bootstrap read is taken and commit after it. Its change is then not in
     * the read, so it must come through the stream. On MariaDB the binlog dates a row event by the
     * start of its statement, not by the commit; here the statement starts before the read of
     * {@code c} is taken and commits after it. On PostgreSQL (the control, in {@code b}) the
     * stream carries the commit time.
     */
    @Test
    void shouldKeepAChangeWhoseTransactionWasOpenWhenTheReadWasTaken() throws Exception {
        AccountDataSet data = AccountDataSet.generate(new AccountDataSet.Shape(5_000, 0, 0, 0.0, 0.0, 0.0, 0.0), 31L);
        envs = new BulkEnvironments(tmp, "gaptx");
        envs.load(data);
        String userC = data.rows("c").get(100).username();
        String userB = data.rows("b").get(200).username();
        String valueC = "Long transaction in c \uD83D\uDD52";
        String valueB = "Long transaction in b \uD83D\uDD52";
        int metricsPort;
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        Path config = envs.writeConfig("gaptx", false, null, metricsPort);
        Path log = LOGS.resolve("gaptx-" + System.nanoTime() + ".log");
        Map<Phase, Long> seen = new ConcurrentHashMap<>();
        Map<String, String> timeline = Collections.synchronizedMap(new LinkedHashMap<>());
        try (Connection c = envs.open("c"); Connection b = envs.open("b")) {
            c.setAutoCommit(false);
            b.setAutoCommit(false);
            daemon = DaemonProcess.start(config, metricsPort, envs.processEnv(), log);
            watcher = new Thread(() -> watch(log, seen), "log-watcher");
            watcher.setDaemon(true);
            watcher.start();
            // c: the statement runs now, while the daemon starts; the transaction commits once c has been read.
            timeline.put("c statement", serverTime(c));
            assertThat(BulkEnvironments.update(c, Dialect.MARIADB, userC, "full_name", valueC)).isEqualTo(1);
            // b (PostgreSQL: a transaction with a write holds back the creation of the replication slot,
            // so it starts once capture runs): the statement runs before b's read, the commit after it.
            awaitPhase(seen, Phase.READING, log);
            timeline.put("b statement", serverTime(b));
            assertThat(BulkEnvironments.update(b, Dialect.POSTGRESQL, userB, "full_name", valueB)).isEqualTo(1);
            awaitLine(log, Pattern.compile("read \\d+ accounts of b "));
            b.commit();
            timeline.put("b commit", serverTime(b));
            b.commit();
            awaitPhase(seen, Phase.MERGING, log);   // "read 3 environment(s) in full": c's read is over
            c.commit();
            timeline.put("c commit", serverTime(c));
            c.commit();
            LOG.info("long transactions: {}; daemon log: {}", timeline, log.toAbsolutePath());
            System.out.println("long transactions (database clocks): " + timeline + "\n" + bootstrapLines(daemon.output()));
            // A bootstrap of 5,000 accounts converges in seconds once running; a minute is generous.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String problem = "not checked yet";
            while (System.nanoTime() < deadline) {
                Thread.sleep(1000);
                assertThat(daemon.isAlive()).as("daemon alive; log %s", log.toAbsolutePath()).isTrue();
                if (!seen.containsKey(Phase.RUNNING)) {
                    continue;
                }
                Map<String, Map<String, AccountDataSet.Fields>> now = new LinkedHashMap<>();
                for (String env : BulkEnvironments.ENVS) {
                    now.put(env, envs.fields(env));
                }
                List<String> missing = new ArrayList<>();
                for (String env : BulkEnvironments.ENVS) {
                    if (!valueC.equals(now.get(env).get(userC).fullName())) {
                        missing.add("c's change (" + userC + ") is not in " + env + ": " + now.get(env).get(userC));
                    }
                    if (!valueB.equals(now.get(env).get(userB).fullName())) {
                        missing.add("b's change (" + userB + ") is not in " + env + ": " + now.get(env).get(userB));
                    }
                }
                String identical = identicalProblems(now);
                problem = !missing.isEmpty() ? String.join("; ", missing) : identical;
                if (problem == null) {
                    break;
                }
            }
            assertThat(problem).as("changes of transactions open across the bootstrap read (database clocks: %s; "
                    + "daemon log %s)", timeline, log.toAbsolutePath()).isNull();
        }
    }

    /** The database's clock: the statement's time on MariaDB, the transaction's on PostgreSQL. */
    private static String serverTime(Connection c) throws java.sql.SQLException {
        boolean pg = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        try (java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery(pg ? "select cast(clock_timestamp() as text)" : "select cast(current_timestamp(6) as char)")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void awaitPhase(Map<Phase, Long> seen, Phase phase, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!seen.containsKey(phase)) {
            if (System.nanoTime() > deadline || !daemon.isAlive()) {
                throw new AssertionError("the daemon's log never showed " + phase + "; log " + log.toAbsolutePath()
                        + ":\n" + tail(daemon.output(), 4000));
            }
            Thread.sleep(20);
        }
    }

    private void awaitLine(Path log, Pattern line) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!line.matcher(Files.exists(log) ? Files.readString(log) : "").find()) {
            if (System.nanoTime() > deadline || !daemon.isAlive()) {
                throw new AssertionError("the daemon's log never showed " + line + "; log " + log.toAbsolutePath()
                        + ":\n" + tail(daemon.output(), 4000));
            }
            Thread.sleep(20);
        }
    }

    private static String bootstrapLines(String output) {
        StringBuilder sb = new StringBuilder();
        for (String line : output.split("\n")) {
            if (line.contains("no bootstrap yet") || line.matches(".*read \\d+ accounts of .*") || line.contains("RUNNING")) {
                sb.append("  ").append(line).append('\n');
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------ the updates

    /**
     * 500 updates, round-robin over a, b, c; each to its own account. A third hits divergent
     * accounts in an environment that loses a field to the policy (its bootstrap repair races the
     * update), a fifth hits accounts missing in another environment (created there by the
     * bootstrap), the rest plain accounts. Fields alternate.
     */
    private static List<Update> plan(AccountDataSet data) {
        Random r = new Random(99);
        Map<String, Map<String, AccountDataSet.Local>> idx = data.index();
        Map<String, AccountDataSet.Fields> expected = data.expected();
        Set<String> used = new HashSet<>();
        List<String> all = new ArrayList<>(data.usernames());
        List<String> divergent = new ArrayList<>(data.divergent());
        Collections.shuffle(all, r);
        Collections.shuffle(divergent, r);
        List<Update> out = new ArrayList<>();
        int di = 0;
        int ai = 0;
        for (int n = 0; n < UPDATES; n++) {
            String env = AccountDataSet.ENVS.get(n % 3);
            String column = (n / 3) % 2 == 0 ? "full_name" : "email";
            String user = null;
            int kind = n % 15;
            if (kind < 5) {
                // Divergent, held by env, env's value of some field not the winner: update that field.
                while (di < divergent.size() && user == null) {
                    String u = divergent.get(di++);
                    AccountDataSet.Local l = idx.get(env).get(u);
                    if (l == null || used.contains(u)) {
                        continue;
                    }
                    AccountDataSet.Fields want = expected.get(u);
                    if (!Objects.equals(l.fullName(), want.fullName())) {
                        column = "full_name";
                        user = u;
                    } else if (!Objects.equals(l.email(), want.email()) && l.email() != null) {
                        column = "email";
                        user = u;
                    }
                }
            } else if (kind < 8) {
                // Missing in some other environment.
                for (String other : AccountDataSet.ENVS) {
                    if (other.equals(env) || user != null) {
                        continue;
                    }
                    for (String u : data.missing(other)) {
                        if (idx.get(env).containsKey(u) && !used.contains(u) && r.nextInt(8) == 0) {
                            user = u;
                            break;
                        }
                    }
                }
            }
            while (user == null) {
                String u = all.get(ai++);
                if (idx.get(env).containsKey(u) && !used.contains(u)) {
                    user = u;
                }
            }
            used.add(user);
            String value = column.equals("full_name")
                    ? "Gap " + n + " O'Hand\\off \"" + env + "\" \uD83D\uDE80"
                    : "gap" + n + "." + env + "@handoff.example.org";
            out.add(new Update(n, env, user, column, value));
        }
        return out;
    }

    /**
     * Makes the planned updates: about 50 per second while the daemon starts its capture and then
     * spread so that they last about as long as the bootstrap (which is measured as it goes: the
     * rate slows while the bootstrap runs and speeds up again once it is done).
     */
    private void makeUpdates(List<Update> plan, Map<Phase, Long> seen, List<Made> made) throws Exception {
        Map<String, Connection> connections = new LinkedHashMap<>();
        try {
            for (String env : BulkEnvironments.ENVS) {
                connections.put(env, envs.open(env));
            }
            long next = System.nanoTime();
            for (Update u : plan) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                Dialect dialect = envs.dialect(u.env());
                int rows = BulkEnvironments.update(connections.get(u.env()), dialect, u.username(), u.column(), u.value());
                long at = System.nanoTime();
                made.add(new Made(u, at, phaseAt(seen, at), rows));
                next = Math.max(next, at) + pace(seen, made.size());
            }
        } finally {
            for (Connection c : connections.values()) {
                c.close();
            }
        }
    }

    /**
     * The pause before the next update: 20 ms (50/s) before the bootstrap starts reading and after it
     * is done; while it runs, the remaining budget is spread over the bootstrap's expected length
     * (estimated from the first environment's read), keeping a reserve of 100 for the hand-off.
     */
    private static long pace(Map<Phase, Long> seen, int done) {
        long fast = 20_000_000L;
        if (!seen.containsKey(Phase.READING) || seen.containsKey(Phase.HANDOFF)) {
            return done < 100 || seen.containsKey(Phase.HANDOFF) ? fast : 100_000_000L;
        }
        int left = UPDATES - 100 - done;
        if (left <= 0) {
            return 200_000_000L;   // keep the rest for the hand-off, a few per second meanwhile
        }
        // The whole bootstrap (3 reads + merge) takes roughly 6 times one read on this kind of machine;
        // until the first read is done, assume 30 s.
        long readingSince = seen.get(Phase.READING);
        Long firstRead = seen.get(Phase.MERGING);
        long expected = firstRead != null ? 2 * (firstRead - readingSince) : 30_000_000_000L;
        long remaining = Math.max(2_000_000_000L, readingSince + expected - System.nanoTime());
        return Math.max(fast, Math.min(250_000_000L, remaining / left));
    }

    private static Phase phaseAt(Map<Phase, Long> seen, long at) {
        Phase p = Phase.STARTING;
        for (Phase q : Phase.values()) {
            Long t = seen.get(q);
            if (t != null && t <= at) {
                p = q;
            }
        }
        return p;
    }

    /** Follows the daemon's log and notes when each phase's marker first appears. */
    private static void watch(Path log, Map<Phase, Long> seen) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                String text = Files.exists(log) ? Files.readString(log) : "";
                long now = System.nanoTime();
                for (Phase p : Phase.values()) {
                    if (p.marker != null && !seen.containsKey(p) && p.marker.matcher(text).find()) {
                        seen.put(p, now);
                    }
                }
                if (seen.containsKey(Phase.RUNNING)) {
                    return;
                }
                Thread.sleep(100);
            } catch (IOException e) {
                // the process is still creating it
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------------------ checks

    /** Null when every account not touched by an update holds the policy's result everywhere. */
    private static String untouchedProblems(Map<String, AccountDataSet.Fields> expected, Set<String> touched,
                                            Map<String, Map<String, AccountDataSet.Fields>> now) {
        List<String> out = new ArrayList<>();
        long wrong = 0;
        for (Map.Entry<String, AccountDataSet.Fields> e : expected.entrySet()) {
            if (touched.contains(e.getKey())) {
                continue;
            }
            for (String env : BulkEnvironments.ENVS) {
                AccountDataSet.Fields got = now.get(env).get(e.getKey());
                if (!e.getValue().equals(got)) {
                    wrong++;
                    if (out.size() < 5) {
                        out.add(env + " " + e.getKey() + ": expected " + e.getValue() + " but was " + got);
                    }
                }
            }
        }
        return wrong == 0 ? null : wrong + " pre-existing account copies not yet as the policy says, e.g. " + out;
    }

    /** Null when every update's value is in every environment. */
    private static String updateProblems(List<Made> made, Map<String, Map<String, AccountDataSet.Fields>> now) {
        List<String> out = new ArrayList<>();
        long missing = 0;
        Map<Phase, Integer> byPhase = new TreeMap<>();
        synchronized (made) {
            for (Made m : made) {
                Update u = m.update();
                for (String env : BulkEnvironments.ENVS) {
                    AccountDataSet.Fields f = now.get(env).get(u.username());
                    String v = f == null ? null : u.column().equals("full_name") ? f.fullName() : f.email();
                    if (!u.value().equals(v)) {
                        missing++;
                        byPhase.merge(m.phase(), 1, Integer::sum);
                        if (out.size() < 8) {
                            out.add("update #" + u.n() + " (" + u.column() + " of " + u.username() + " in " + u.env()
                                    + ", made while " + m.phase() + ") is not in " + env + ": " + f);
                        }
                    }
                }
            }
        }
        return missing == 0 ? null
                : missing + " (update, environment) pairs missing; by phase the update was made in: " + byPhase + "; e.g.\n  "
                        + String.join("\n  ", out);
    }

    /** Null when the three environments hold the same accounts with the same values. */
    private static String identicalProblems(Map<String, Map<String, AccountDataSet.Fields>> now) {
        Map<String, AccountDataSet.Fields> a = now.get("a");
        List<String> out = new ArrayList<>();
        long n = 0;
        Set<String> all = new HashSet<>(a.keySet());
        all.addAll(now.get("b").keySet());
        all.addAll(now.get("c").keySet());
        for (String u : all) {
            AccountDataSet.Fields fa = a.get(u);
            AccountDataSet.Fields fb = now.get("b").get(u);
            AccountDataSet.Fields fc = now.get("c").get(u);
            if (!Objects.equals(fa, fb) || !Objects.equals(fa, fc)) {
                n++;
                if (out.size() < 5) {
                    out.add(u + ": a=" + fa + " b=" + fb + " c=" + fc);
                }
            }
        }
        return n == 0 ? null : n + " accounts differ between environments, e.g. " + out;
    }

    private static final Pattern SUMMARY_LINE = Pattern.compile(
            "^(a|b|c)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$", Pattern.MULTILINE);

    /** The table the daemon logs after "bootstrap done:". */
    private static String summaryTable(String output) {
        int i = output.indexOf("bootstrap done:");
        if (i < 0) {
            return "(no \"bootstrap done\" in the log)";
        }
        String rest = output.substring(output.indexOf('\n', i) + 1);
        StringBuilder sb = new StringBuilder();
        for (String line : rest.split("\n")) {
            sb.append(line).append('\n');
            if (line.contains(" accounts; ")) {
                break;
            }
        }
        return sb.toString();
    }

    /** Read and created per environment do not depend on the concurrent updates; nothing conflicted. */
    private static void checkSummary(SoftAssertions soft, String summary, AccountDataSet data) {
        Matcher m = SUMMARY_LINE.matcher(summary);
        Set<String> found = new HashSet<>();
        while (m.find()) {
            String env = m.group(1);
            found.add(env);
            soft.assertThat(Long.parseLong(m.group(2))).as("%s read", env).isEqualTo(data.rows(env).size());
            soft.assertThat(Long.parseLong(m.group(4))).as("%s created", env).isEqualTo(data.missing(env).size());
            soft.assertThat(Long.parseLong(m.group(7))).as("%s conflicted", env).isZero();
        }
        soft.assertThat(found).as("summary lines in:\n%s", summary).containsExactlyInAnyOrder("a", "b", "c");
        soft.assertThat(summary).as("summary").contains(data.usernames().size() + " accounts; 0 conflict(s) left open");
    }

    private static Map<Phase, LocalDateTime> loggedPhases(String output) {
        Map<Phase, LocalDateTime> out = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            for (Phase p : Phase.values()) {
                if (p.marker != null && !out.containsKey(p) && p.marker.matcher(line).find() && line.length() >= 23) {
                    try {
                        out.put(p, LocalDateTime.parse(line.substring(0, 23), LOG_TIME));
                    } catch (java.time.DateTimeException e) {
                        // not a log line
                    }
                }
            }
        }
        return out;
    }

    /** The measured numbers, printed and logged. */
    record Report(long rows, long accounts, long start, Map<Phase, Long> seen, Map<Phase, LocalDateTime> logged,
                  long divergentConverged, long converged, List<Made> made) {
        Map<Phase, Integer> byPhase() {
            Map<Phase, Integer> out = new TreeMap<>();
            synchronized (made) {
                made.forEach(m -> out.merge(m.phase(), 1, Integer::sum));
            }
            return out;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("gap-free hand-off: ");
            sb.append(rows).append(" rows (").append(accounts).append(" accounts) in 3 environments\n");
            LocalDateTime from = logged.get(Phase.READING);
            LocalDateTime to = logged.get(Phase.HANDOFF);
            if (from != null && to != null) {
                double s = Duration.between(from, to).toMillis() / 1000.0;
                sb.append(String.format("  daemon log: \"no bootstrap yet\" %s -> \"bootstrap done\" %s: %.1f s, "
                        + "%.0f rows/s, %.0f accounts/s%n", from.toLocalTime(), to.toLocalTime(), s, rows / s, accounts / s));
                LocalDateTime readDone = logged.get(Phase.MERGING);
                if (readDone != null) {
                    sb.append(String.format("    of which reading %.1f s, merging %.1f s%n",
                            Duration.between(from, readDone).toMillis() / 1000.0,
                            Duration.between(readDone, to).toMillis() / 1000.0));
                }
            }
            if (divergentConverged > 0) {
                double s = (divergentConverged - start) / 1e9;
                sb.append(String.format("  process start -> pre-existing divergent data converged: %.1f s, %.0f rows/s, "
                        + "%.0f accounts/s%n", s, rows / s, accounts / s));
            } else {
                sb.append("  pre-existing divergent data did not converge\n");
            }
            if (converged > 0) {
                sb.append(String.format("  process start -> everything converged (updates included): %.1f s%n",
                        (converged - start) / 1e9));
            }
            sb.append("  phases seen in the log (s after process start): ");
            for (Phase p : Phase.values()) {
                Long t = seen.get(p);
                sb.append(p).append('=').append(t == null ? "-" : String.format("%.1f", (t - start) / 1e9)).append(' ');
            }
            sb.append("\n  updates by phase they were committed in: ").append(byPhase());
            synchronized (made) {
                if (!made.isEmpty()) {
                    sb.append(String.format(" (first at %.1f s, last at %.1f s)", (made.get(0).atNanos() - start) / 1e9,
                            (made.get(made.size() - 1).atNanos() - start) / 1e9));
                }
            }
            return sb.toString();
        }
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }
}
