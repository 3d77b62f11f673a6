package io.accountsync.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bootstrap and the naive baseline on the same data: {@code n} accounts in each of three environments (5%
 * missing from one, 10% divergent, see {@link DataSet}).
 *
 * <ol>
 *   <li>Load the data (COPY on PostgreSQL, multi-row INSERTs on MariaDB).</li>
 *   <li>{@code accountsync bootstrap} (dry_run false) in a JVM of its own ({@link BootstrapProbe}) with a heap of
 *   512 MB (the target): seconds until it exits with every write committed, accounts per second, its heap after
 *   the bootstrap and its peak RSS. Should it run out of memory, the data is reloaded and it runs again without
 *   the cap, so that its time is still measured, and the report says it did not fit.</li>
 *   <li>Check that every environment converged to the expected values (an order-independent digest).</li>
 *   <li>The floor of the H2 state store ({@link StoreFloor}): one keyed row per person and per local account,
 *   loaded as the bootstrap loads them, nothing else; with the naive baseline's read it bounds the bootstrap from
 *   below.</li>
 *   <li>Reload the same data and run the naive baseline ({@link NaiveSync}); check it converged to the same.</li>
 * </ol>
 */
final class BootstrapBench {
    private BootstrapBench() {
    }

    /**
     * @param probeJvm extra JVM options for the bootstrap's own JVM (e.g. {@code -Xmx512m}, a JFR recording)
     * @param naive    whether to run the naive baseline too
     */
    static Map<String, Object> run(int n, Path work, List<String> probeJvm, boolean bootstrap, boolean naive)
            throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        DataSet data = new DataSet(n);
        long[] counts = data.counts();
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("accounts", n);
        set.put("environments", 3);
        set.put("divergent_accounts", counts[0]);
        set.put("accounts_missing_from_one_env", counts[1]);
        set.put("rows_total", 3L * n - counts[1]);
        out.put("data", set);
        UsersDb.Digest expected = data.convergedDigest();
        try (Farm farm = new Farm("benchboot")) {
            if (bootstrap) {
                out.put("load_s", Stats.round(load(farm, data), 2));
                Path config = farm.writeConfig(work, "bootstrap", null,
                        "apply:\n  retry_initial: 200ms\n  retry_max: 3s\n");
                // The bootstrap runs in the heap the target allows (unless the caller chose one); should it run out
                // of memory there, it runs again without the cap so that its time is still measured.
                boolean capped = probeJvm.stream().noneMatch(o -> o.startsWith("-Xmx"));
                List<String> jvm = new ArrayList<>(probeJvm);
                if (capped) {
                    jvm.add(0, "-Xmx" + (int) Report.TARGET_HEAP_MB + "m");
                }
                if (probeJvm.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w*GC"))) {
                    jvm.add(0, "-XX:+UseParallelGC");   // as the systemd unit runs it
                }
                if (probeJvm.stream().noneMatch(o -> o.contains("TieredCompilation"))) {
                    jvm.add(0, "-XX:-TieredCompilation");   // as the systemd unit runs it
                }
                Map<String, Object> probe;
                Boolean fitsTarget = capped ? Boolean.TRUE : null;
                String capFailure = null;
                try {
                    probe = probe(farm, config, work, jvm);
                } catch (ProbeFailed e) {
                    if (!capped || !e.outOfMemory) {
                        throw e;
                    }
                    fitsTarget = Boolean.FALSE;
                    capFailure = e.getMessage();
                    Log.info("bootstrap ran out of memory in a " + (int) Report.TARGET_HEAP_MB + " MB heap; again without"
                            + " the cap, for its time");
                    for (int e2 = 0; e2 < 3; e2++) {
                        farm.db(e2).createTable();
                    }
                    load(farm, data);
                    config = farm.writeConfig(work, "bootstrap-uncapped", null,
                            "apply:\n  retry_initial: 200ms\n  retry_max: 3s\n");
                    probe = probe(farm, config, work, probeJvm);
                }
                double seconds = ((Number) probe.get("seconds")).doubleValue();
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("exit_code", probe.get("exit_code"));
                b.put("seconds", Stats.round(seconds, 2));
                b.put("process_wall_s", probe.get("process_wall_s"));
                b.put("accounts_per_s", Stats.round(n / seconds, 0));
                b.put("rows_read_per_s", Stats.round((3L * n - counts[1]) / seconds, 0));
                b.put("converged", converged(farm, expected));
                out.put("bootstrap", b);
                Map<String, Object> mem = new LinkedHashMap<>();
                for (String k : List.of("heap_after_bootstrap_mb", "peak_heap_after_gc_mb", "peak_heap_used_mb",
                        "heap_max_mb", "peak_rss_mb", "rss_mb", "gc_count", "jvm_args")) {
                    Object v = probe.get(k);
                    mem.put(k, v instanceof Double d ? Stats.round(d, 1) : v);
                }
                mem.put("peak_rss_polled_mb", probe.get("peak_rss_polled_mb"));
                mem.put("completes_in_" + (int) Report.TARGET_HEAP_MB + "mb_heap", fitsTarget);
                if (capFailure != null) {
                    mem.put("capped_run_failure", capFailure);
                }
                out.put("memory", mem);
                out.put("store_floor", StoreFloor.measure(n, 3L * n - counts[1], work));
                Log.info(String.format("bootstrap: %,d x 3 accounts in %.1f s (%,.0f accounts/s), converged %s;"
                                + " heap after %.0f MB, peak RSS %.0f MB", n, seconds, n / seconds, b.get("converged"),
                        ((Number) probe.get("heap_after_bootstrap_mb")).doubleValue(),
                        ((Number) probe.get("peak_rss_mb")).doubleValue()));
            }
            if (naive) {
                for (int e = 0; e < 3; e++) {
                    farm.db(e).createTable();
                }
                load(farm, data);
                Map<String, Object> nv = NaiveSync.run(farm);
                nv.put("converged", converged(farm, expected));
                out.put("naive", nv);
            }
        }
        return out;
    }

    private static double load(Farm farm, DataSet data) throws Exception {
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int e = 0; e < 3; e++) {
            int env = e;
            Thread t = new Thread(() -> {
                try {
                    farm.db(env).load(data.rows(env));
                } catch (Throwable x) {
                    synchronized (failure) {
                        failure[0] = x;
                    }
                }
            }, "bench-load-" + Farm.ENVS.get(e));
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException("loading the data set failed", failure[0]);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        Log.info(String.format("loaded %,d accounts into each of 3 environments in %.1f s", data.size(), s));
        return s;
    }

    /** True when every environment holds exactly the expected accounts and values. */
    private static boolean converged(Farm farm, UsersDb.Digest expected) throws Exception {
        boolean ok = true;
        for (int e = 0; e < 3; e++) {
            UsersDb.Digest d = farm.db(e).digest();
            if (!d.equals(expected)) {
                Log.info("environment " + Farm.ENVS.get(e) + " did not converge: " + d + ", expected " + expected);
                ok = false;
            }
        }
        return ok;
    }

    /** The bootstrap's JVM failed; {@code outOfMemory} when its log shows an OutOfMemoryError. */
    static final class ProbeFailed extends IllegalStateException {
        final boolean outOfMemory;

        ProbeFailed(String message, boolean outOfMemory) {
            super(message);
            this.outOfMemory = outOfMemory;
        }
    }

    private static Map<String, Object> probe(Farm farm, Path config, Path work, List<String> probeJvm) throws Exception {
        String name = config.getFileName().toString().replace(".yaml", "");
        Path result = work.resolve(name + "-probe.json");
        Path log = work.resolve(name + "-probe.log");
        Files.deleteIfExists(result);
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dorg.jooq.no-logo=true");
        cmd.add("-Dorg.jooq.no-tips=true");
        String logback = System.getProperty("logback.configurationFile");
        if (logback != null) {
            cmd.add("-Dlogback.configurationFile=" + logback);
        }
        cmd.add("-Dbench.log=" + work.resolve(name + "-daemon.log").toAbsolutePath());
        cmd.addAll(probeJvm);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BootstrapProbe.class.getName());
        cmd.add(config.toAbsolutePath().toString());
        cmd.add(result.toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put(Farm.PASSWORD_VAR, farm.password());
        Log.info("bootstrap: running `accountsync bootstrap` in its own JVM " + probeJvm + " (log " + log + ")");
        long t0 = System.nanoTime();
        Process p = pb.start();
        String pid = Long.toString(p.pid());
        long peakKb = 0;
        while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
            peakKb = Math.max(peakKb, Procfs.statusKb(pid, "VmHWM"));
            if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(60)) {
                p.destroyForcibly();
                throw new IllegalStateException("bootstrap did not finish within 60 min; see " + log);
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        if (!Files.exists(result)) {
            boolean oom = Files.readString(log).contains("OutOfMemoryError");
            throw new ProbeFailed("bootstrap probe exited with " + p.exitValue() + " and no result"
                    + (oom ? " (OutOfMemoryError)" : "") + "; see " + log, oom);
        }
        Map<String, Object> m = new ObjectMapper().readValue(result.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {
        });
        if (((Number) m.get("exit_code")).intValue() != 0) {
            boolean oom = Files.readString(log).contains("OutOfMemoryError");
            throw new ProbeFailed("accountsync bootstrap exited with " + m.get("exit_code")
                    + (oom ? " (OutOfMemoryError)" : "") + "; see " + log, oom);
        }
        m.put("process_wall_s", Stats.round(wall, 2));
        m.put("peak_rss_polled_mb", Stats.round(peakKb / 1024.0, 1));
        return m;
    }
}
