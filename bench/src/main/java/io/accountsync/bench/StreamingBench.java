package io.accountsync.bench;

import io.accountsync.metrics.Metrics;
import io.accountsync.pipeline.SyncDaemon;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * Streaming under the daemon (in-process {@link SyncDaemon}) over three environments. Account {@code i} is edited
 * only in environment {@code i % 3}, so no two environments ever edit one account concurrently.
 *
 * <ul>
 *   <li><b>Throughput</b>: a burst of {@code K} changes (one writer per environment, as fast as it goes) is
 *   offered; the figure is {@code K} divided by the time from the first write until every environment holds every
 *   new value — each change captured, merged, committed in both other environments, and its two echoes
 *   swallowed.</li>
 *   <li><b>Latency</b>: paced writers commit {@code R} changes per second in all for {@code D} seconds (one change
 *   per transaction, round-robin over the environments); a poller per environment finds when each change is
 *   visible there; a change's latency runs from its source commit (acknowledged to the writer) until the later of
 *   the two other environments showed it. A poll counts at its end, so latencies are rounded up by at most one
 *   poll: about 5 ms, and more while many changes are pending, as a poll then waits longer (see
 *   {@link #pollPauseNs}).</li>
 * </ul>
 */
final class StreamingBench {
    private static final long POLL_PAUSE_NS = 4_000_000L;
    /** A poller's pause per change it still waits for (see {@link #pollPauseNs}). */
    private static final long POLL_PAUSE_PER_PENDING_NS = 50_000L;

    private StreamingBench() {
    }

    /** The generic profile: users tables, {@code accounts} identical accounts in each environment. */
    static Map<String, Object> run(Sizes sizes, Path work) throws Exception {
        int accounts = sizes.streamAccounts();
        try (Farm farm = new Farm("benchstream")) {
            for (int e = 0; e < 3; e++) {
                farm.db(e).load(rows(accounts));
            }
            List<BenchEnv> envs = new ArrayList<>();
            for (int e = 0; e < 3; e++) {
                envs.add(new BenchEnv.Generic(Farm.ENVS.get(e), farm.db(e)));
            }
            Path config = farm.writeConfig(work, "streaming", null, null);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("profile", "generic (users table; display_name = full_name)");
            out.put("source_writes", "burst: 100 single-row UPDATEs per transaction; latency: one UPDATE per transaction");
            out.putAll(measure(farm, config, envs, accounts, sizes.burstChanges(), sizes.latencyRate(),
                    sizes.latencySeconds()));
            return out;
        }
    }

    /** Starts the daemon on {@code config}, runs the burst and the latency run, stops it. */
    static Map<String, Object> measure(Farm farm, Path config, List<BenchEnv> envs, int accounts, int burst, int rate,
                                       int seconds) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        SyncDaemon daemon = new SyncDaemon(farm.load(config), Clock.systemUTC());
        long s0 = System.nanoTime();
        daemon.start();
        double startS = (System.nanoTime() - s0) / 1e9;
        Log.info(String.format("streaming: daemon running after %.1f s (bootstrap of %,d x 3 accounts)", startS, accounts));
        out.put("accounts_per_env", accounts);
        out.put("daemon_start_with_bootstrap_s", Stats.round(startS, 2));
        try {
            // Two warm-up bursts of the same size first (discarded): the JIT compiles the capture, merge and apply
            // paths as in a daemon that has been running for a while. With one burst of a fifth of the size, the JIT
            // compilers still took 0.23 ms of CPU per change in the measured burst (a quarter of the JVM's CPU); its
            // C2 compilations of H2, Jackson, Debezium and jOOQ methods go on for about a minute of load.
            List<Object> warm = new ArrayList<>();
            for (String prefix : List.of("w1-", "w2-")) {
                warm.add(burst(envs, daemon.metrics(), burst, prefix).get("changes_per_s"));
            }
            out.put("warm_up_bursts_changes_per_s", warm);
            out.put("burst", burst(envs, daemon.metrics(), burst, "b-"));
            // A quarter of the load first (below saturation: what the pipeline itself costs), then the full load.
            int low = Math.max(10, rate / 4);
            out.put("latency_quarter_load", latency(envs, daemon.metrics(), low, Math.max(3, seconds / 2), accounts, "q-"));
            out.put("latency", latency(envs, daemon.metrics(), rate, seconds, accounts, "l-"));
        } finally {
            daemon.close();
        }
        return out;
    }

    // ---------------------------------------------------------------- throughput

    static Map<String, Object> burst(List<BenchEnv> envs, Metrics metrics, int k, String prefix) throws Exception {
        double statementsBefore = sum(metrics.registry(), Metrics.APPLY_STATEMENTS);
        double echoesBefore = sum(metrics.registry(), Metrics.ECHOES);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] writerEnd = new long[3];
        List<Thread> writers = new ArrayList<>();
        double jvmCpu0 = Procfs.cpuMs("self");
        Map<String, Double> threadCpu0 = Procfs.jvmThreadCpuMs();
        double dbCpu0 = Procfs.databaseCpuMs();
        double[] machine0 = Procfs.machineCpuMs();
        long t0 = System.nanoTime();
        for (int e = 0; e < 3; e++) {
            int env = e;
            BenchEnv be = envs.get(e);
            List<Integer> accounts = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = env; i < k; i += 3) {
                accounts.add(i);
                values.add(be.value(prefix + i));
            }
            Thread t = new Thread(() -> {
                try (Connection c = be.connect()) {
                    be.writeAll(c, accounts, values);
                } catch (Throwable x) {
                    failure.compareAndSet(null, x);
                }
                writerEnd[env] = System.nanoTime();
            }, "bench-burst-" + be.name());
            writers.add(t);
            t.start();
        }
        // Done when every environment holds every new value.
        List<Connection> polls = new ArrayList<>();
        long done;
        try {
            for (BenchEnv be : envs) {
                polls.add(be.connect());
            }
            long deadline = t0 + Duration.ofSeconds(120 + k / 100).toNanos();
            while (true) {
                if (failure.get() != null) {
                    throw new IllegalStateException("burst writer failed", failure.get());
                }
                long min = Long.MAX_VALUE;
                for (int e = 0; e < 3; e++) {
                    min = Math.min(min, envs.get(e).countPrefix(polls.get(e), prefix));
                }
                if (min >= k) {
                    done = System.nanoTime();
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("burst: only " + min + " of " + k + " changes everywhere after "
                            + (System.nanoTime() - t0) / 1_000_000_000L + " s");
                }
                Thread.sleep(50);
            }
        } finally {
            for (Connection c : polls) {
                c.close();
            }
        }
        double jvmCpu = Procfs.cpuMs("self") - jvmCpu0;
        Map<String, Double> threadCpu = Procfs.jvmThreadCpuMs();
        double dbCpu = Procfs.databaseCpuMs() - dbCpu0;
        double[] machine1 = Procfs.machineCpuMs();
        for (Thread t : writers) {
            t.join();
        }
        long writersDone = Math.max(writerEnd[0], Math.max(writerEnd[1], writerEnd[2]));
        double seconds = (done - t0) / 1e9;
        double rate = k / seconds;
        // Echoes must die: once the counters caught up with the commits (1 s), no further statement is executed.
        Thread.sleep(1000);
        double statementsAtDone = sum(metrics.registry(), Metrics.APPLY_STATEMENTS);
        Thread.sleep(2000);
        double statementsAfter = sum(metrics.registry(), Metrics.APPLY_STATEMENTS);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("changes", k);
        m.put("seconds_until_all_targets_hold_last_values", Stats.round(seconds, 2));
        m.put("changes_per_s", Stats.round(rate, 0));
        m.put("target_writes_per_s", Stats.round(2 * rate, 0));
        m.put("offered_changes_per_s", Stats.round(k / ((writersDone - t0) / 1e9), 0));
        m.put("writers_done_s", Stats.round((writersDone - t0) / 1e9, 2));
        m.put("apply_statements", (long) (statementsAtDone - statementsBefore));
        m.put("echoes_suppressed", (long) (sum(metrics.registry(), Metrics.ECHOES) - echoesBefore));
        m.put("statements_per_change", Stats.round((statementsAtDone - statementsBefore) / k, 2));
        m.put("statements_after_convergence", (long) (statementsAfter - statementsAtDone));
        // Where the machine's CPU went during the burst, per propagated change: the bench's JVM (the daemon, plus the
        // writers' and pollers' JDBC work) and every database server process (the source writes, two target writes,
        // three log decodings per change). Their sum bounds the rate this machine can reach: cores * 1000 / sum.
        double busy = machine1[0] - machine0[0];
        double all = machine1[1] - machine0[1];
        int cores = Runtime.getRuntime().availableProcessors();
        m.put("cpu_ms_per_change_jvm", Stats.round(jvmCpu / k, 3));
        m.put("cpu_ms_per_change_databases", Stats.round(dbCpu / k, 3));
        Map<String, Object> byThreads = new LinkedHashMap<>();
        threadCpu.forEach((group, ms) -> {
            double perChange = Stats.round((ms - threadCpu0.getOrDefault(group, 0.0)) / k, 3);
            if (perChange != 0) {
                byThreads.put(group, perChange);
            }
        });
        byThreads.put("threads_that_exited", Stats.round((jvmCpu - (threadCpu.values().stream().mapToDouble(d -> d).sum()
                - threadCpu0.values().stream().mapToDouble(d -> d).sum())) / k, 3));
        m.put("cpu_ms_per_change_jvm_by_threads", byThreads);
        // The floor of any pipeline built on Debezium here: its log readers (three captured changes per propagated
        // change: the change and its two echoes) and the database servers, with accountsync's own work at zero.
        double readersCpu = threadCpu.getOrDefault("debezium_log_readers", 0.0)
                - threadCpu0.getOrDefault("debezium_log_readers", 0.0);
        m.put("cpu_bound_changes_per_s_debezium_readers_and_databases",
                Stats.round(cores * 1000.0 / ((readersCpu + dbCpu) / k), 0));
        m.put("machine_busy_fraction", all > 0 ? Stats.round(busy / all, 3) : null);
        m.put("cpu_bound_changes_per_s", Stats.round(cores * 1000.0 / ((jvmCpu + dbCpu) / k), 0));
        m.put("cpu_bound_changes_per_s_databases_alone", Stats.round(cores * 1000.0 / (dbCpu / k), 0));
        Log.info(String.format("streaming burst" + (prefix.equals("b-") ? "" : " (warm-up)") + ": %,d changes in %.2f s = %,.0f changes/s (writers offered %,.0f/s);"
                        + " CPU per change: JVM %.3f ms, databases %.3f ms; machine busy %.0f%%",
                k, seconds, rate, k / ((writersDone - t0) / 1e9), jvmCpu / k, dbCpu / k, all > 0 ? 100 * busy / all : 0));
        Log.info("streaming burst: JVM CPU per change by threads (ms): " + byThreads);
        return m;
    }

    static double sum(MeterRegistry registry, String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    // ---------------------------------------------------------------- latency

    static Map<String, Object> latency(List<BenchEnv> envs, Metrics metrics, int rate, int seconds, int accounts,
                                       String token) throws Exception {
        int total = rate * seconds;
        int cycle = accounts / 3 * 3;   // change j edits account j % cycle, which environment j % 3 owns
        long[] committed = new long[total];
        AtomicLongArray[] seen = {new AtomicLongArray(total), new AtomicLongArray(total), new AtomicLongArray(total)};
        AtomicBoolean stop = new AtomicBoolean();
        List<ConcurrentLinkedQueue<Integer>> queues = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            queues.add(new ConcurrentLinkedQueue<>());
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        double statementsBefore = sum(metrics.registry(), Metrics.APPLY_STATEMENTS);
        Map<Double, Double> lagBefore = lagHistogram(metrics.registry());
        long period = 1_000_000_000L / rate;
        long t0 = System.nanoTime() + 200_000_000L;
        List<Thread> writers = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            int env = e;
            BenchEnv be = envs.get(e);
            writers.add(new Thread(() -> {
                try (Connection c = be.connect()) {
                    for (int j = env; j < total && failure.get() == null; j += 3) {
                        long wait = t0 + j * period - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        be.write(c, j % cycle, be.value(token + j));
                        committed[j] = System.nanoTime();
                        for (int t = 0; t < 3; t++) {
                            if (t != env) {
                                queues.get(t).add(j);
                            }
                        }
                    }
                } catch (Throwable x) {
                    failure.compareAndSet(null, x);
                }
            }, "bench-paced-" + be.name()));
        }
        List<Thread> pollers = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            int env = e;
            BenchEnv be = envs.get(e);
            pollers.add(new Thread(() -> {
                try (Connection c = be.connect()) {
                    poll(c, be, cycle, token, queues.get(env), seen[env], failure, stop);
                } catch (Throwable x) {
                    failure.compareAndSet(null, x);
                }
            }, "bench-poll-" + be.name()));
        }
        pollers.forEach(Thread::start);
        writers.forEach(Thread::start);
        for (Thread t : writers) {
            t.join();
        }
        // A daemon slower than the offered load builds a backlog: give it time to drain (60 s + 5 ms per change).
        long waitS = 60 + total / 200;
        long deadline = System.nanoTime() + Duration.ofSeconds(waitS).toNanos();
        while (System.nanoTime() < deadline && failure.get() == null && !allSeen(seen, total)) {
            Thread.sleep(20);
        }
        stop.set(true);
        for (Thread p : pollers) {
            p.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("latency run failed", failure.get());
        }
        double[] lat = new double[total];
        int missing = 0;
        int n = 0;
        long deadlineUsed = Math.min(System.nanoTime(), deadline);
        long firstCommit = Long.MAX_VALUE;
        long lastCommit = 0;
        Map<Integer, List<Double>> buckets = new HashMap<>();
        for (int j = 0; j < total; j++) {
            firstCommit = Math.min(firstCommit, committed[j]);
            lastCommit = Math.max(lastCommit, committed[j]);
            long visible = 0;
            boolean all = true;
            for (int t = 0; t < 3; t++) {
                if (t != j % 3) {
                    all &= seen[t].get(j) != 0;
                    visible = Math.max(visible, seen[t].get(j));
                }
            }
            if (!all) {
                // Not visible when the run ended: counted with the time it had waited (a lower bound).
                missing++;
                visible = deadlineUsed;
            }
            double ms = (visible - committed[j]) / 1e6;
            lat[n++] = ms;
            buckets.computeIfAbsent((int) ((committed[j] - t0) / 1_000_000_000L), b -> new ArrayList<>()).add(ms);
        }
        Stats s = new Stats(Arrays.copyOf(lat, n));
        List<double[]> perSecond = new ArrayList<>();
        for (int sec = 0; sec <= seconds; sec++) {
            List<Double> b = buckets.get(sec);
            if (b != null && !b.isEmpty()) {
                Stats bs = new Stats(b.stream().mapToDouble(Double::doubleValue).toArray());
                perSecond.add(new double[] {sec, Stats.round(bs.percentile(50), 1), Stats.round(bs.percentile(99), 1)});
            }
        }
        // The last third of the run alone: near saturation, an early backlog dominates the whole run's figures.
        List<Double> tail = new ArrayList<>();
        buckets.forEach((sec, b) -> {
            if (sec >= seconds * 2 / 3) {
                tail.addAll(b);
            }
        });
        double achieved = (total - 1) / ((lastCommit - firstCommit) / 1e9);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("offered_changes_per_s", rate);
        m.put("achieved_changes_per_s", Stats.round(achieved, 0));
        m.put("seconds", seconds);
        m.put("changes", total);
        m.put("not_visible_at_end", missing);
        m.put("wait_after_last_write_s", waitS);
        if (missing > 0) {
            m.put("note", missing + " change(s) were not visible when the run ended; their latency is counted as the"
                    + " time they had waited, so the percentiles are lower bounds");
        }
        m.put("p50_ms", Stats.round(s.percentile(50), 1));
        m.put("p95_ms", Stats.round(s.percentile(95), 1));
        m.put("p99_ms", Stats.round(s.percentile(99), 1));
        m.put("max_ms", Stats.round(s.max(), 1));
        m.put("mean_ms", Stats.round(s.mean(), 1));
        m.put("last_third_p50_p99_ms", p50p99(tail));
        m.put("apply_statements", (long) (sum(metrics.registry(), Metrics.APPLY_STATEMENTS) - statementsBefore));
        // Where the time goes: per source environment (visible in both others) and per target (visible there).
        Map<String, Object> bySource = new LinkedHashMap<>();
        Map<String, Object> byTarget = new LinkedHashMap<>();
        for (int e = 0; e < 3; e++) {
            List<Double> src = new ArrayList<>();
            List<Double> dst = new ArrayList<>();
            for (int j = 0; j < total; j++) {
                long v = 0;
                boolean all = true;
                for (int t = 0; t < 3; t++) {
                    if (t != j % 3) {
                        all &= seen[t].get(j) != 0;
                        v = Math.max(v, seen[t].get(j));
                    }
                }
                if (j % 3 == e && all) {
                    src.add((v - committed[j]) / 1e6);
                }
                if (j % 3 != e && seen[e].get(j) != 0) {
                    dst.add((seen[e].get(j) - committed[j]) / 1e6);
                }
            }
            bySource.put(envs.get(e).name(), p50p99(src));
            byTarget.put(envs.get(e).name(), p50p99(dst));
        }
        m.put("by_source_env_p50_p99_ms", bySource);
        m.put("by_target_env_p50_p99_ms", byTarget);
        Map<Double, Double> lag = lagHistogram(metrics.registry());
        lagBefore.forEach((le, c) -> lag.merge(le, -c, Double::sum));
        m.put("daemon_apply_lag_p50_ms", histogramPercentile(lag, 50));
        m.put("daemon_apply_lag_p99_ms", histogramPercentile(lag, 99));
        m.put("per_second_p50_p99_ms", perSecond);
        Log.info(String.format("streaming latency at %,d/s (achieved %,.0f/s): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms; %d not visible", rate, achieved, s.percentile(50), s.percentile(95),
                s.percentile(99), s.max(), missing));
        return m;
    }

    private static List<Double> p50p99(List<Double> values) {
        Stats st = new Stats(values.stream().mapToDouble(Double::doubleValue).toArray());
        return List.of(Stats.round(st.percentile(50), 1), Stats.round(st.percentile(99), 1));
    }

    /**
     * The daemon's own view: its apply-lag timer (source commit until committed in a target, per target write),
     * as cumulative histogram counts by upper bound in ms, summed over the environments.
     */
    static Map<Double, Double> lagHistogram(MeterRegistry registry) {
        Map<Double, Double> out = new java.util.TreeMap<>();
        for (Timer t : registry.find(Metrics.APPLY_LAG).timers()) {
            for (CountAtBucket b : t.takeSnapshot().histogramCounts()) {
                out.merge(b.bucket(TimeUnit.MILLISECONDS), b.count(), Double::sum);
            }
        }
        return out;
    }

    /** The upper bound (ms) of the histogram bucket holding the p-th percentile; null when empty. */
    static Double histogramPercentile(Map<Double, Double> cumulative, double p) {
        Map<Double, Double> sorted = new java.util.TreeMap<>(cumulative);
        double total = sorted.isEmpty() ? 0 : java.util.Collections.max(sorted.values());
        if (total <= 0) {
            return null;
        }
        for (Map.Entry<Double, Double> b : sorted.entrySet()) {
            if (b.getValue() >= total * p / 100) {
                return Stats.round(b.getKey(), 1);
            }
        }
        return null;
    }

    private static boolean allSeen(AtomicLongArray[] seen, int total) {
        for (int j = total - 1; j >= 0; j--) {
            for (int t = 0; t < 3; t++) {
                if (t != j % 3 && seen[t].get(j) == 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Finds when each pending change (by index) is visible in this environment. */
    private static void poll(Connection c, BenchEnv env, int cycle, String token, ConcurrentLinkedQueue<Integer> queue,
                             AtomicLongArray seen, AtomicReference<Throwable> failure, AtomicBoolean stop)
            throws Exception {
        Map<Integer, Integer> pending = new HashMap<>();   // account → change index
        while (failure.get() == null) {
            for (Integer j; (j = queue.poll()) != null; ) {
                pending.put(j % cycle, j);
            }
            if (pending.isEmpty()) {
                if (stop.get()) {
                    return;
                }
                LockSupport.parkNanos(POLL_PAUSE_NS / 2);
                continue;
            }
            Map<Integer, String> values = env.read(c, new ArrayList<>(pending.keySet()));
            long now = System.nanoTime();
            for (Map.Entry<Integer, String> v : values.entrySet()) {
                Integer j = pending.get(v.getKey());
                if (j != null && env.value(token + j).equals(v.getValue())) {
                    seen.set(j, now);
                    pending.remove(v.getKey());
                }
            }
            if (stop.get()) {
                return;
            }
            LockSupport.parkNanos(pollPauseNs(pending.size()));
        }
    }

    /**
     * The pause after a poll that left {@code pending} changes unseen: at least {@link #POLL_PAUSE_NS}, and
     * {@link #POLL_PAUSE_PER_PENDING_NS} per pending change. A poll reads every pending account, so with a fixed
     * pause the pollers' load on the machine grew with the backlog (3,000 pending accounts per environment read
     * 250 times a second: 750,000 rows/s), and took from the daemon the CPU it needed to catch up — a backlog
     * then fed itself (measured: the pollers were 14% of the JVM's samples in such a run). With the pause growing
     * with the backlog a poller reads at most 20,000 rows/s. The backlog is about the latency times the rate: at
     * 1,000 changes/s, about 670 a second become visible in each environment, so a change is still seen within
     * about 3% of its latency (or 4 ms) after it became visible — rounded up, never down.
     */
    static long pollPauseNs(int pending) {
        return Math.max(POLL_PAUSE_NS, pending * POLL_PAUSE_PER_PENDING_NS);
    }

    /** The accounts of the streaming farm (identical in every environment). */
    static Iterator<UsersDb.Row> rows(int n) {
        return IntStream.range(0, n).mapToObj(i -> new UsersDb.Row(DataSet.username(i), "Person " + i,
                DataSet.username(i) + "@example.org", DataSet.T0)).iterator();
    }
}
