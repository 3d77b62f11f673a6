package io.accountsync.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the measured sections into the report's summary: the ratios (computed from figures of the same run), the
 * issue's targets with pass/fail, and the figures table (figure, value, baseline or ceiling, ratio, target, pass)
 * that the README's performance section shows.
 */
final class Report {
    static final double TARGET_RATE = 5_000;
    static final double TARGET_CEILING_SHARE = 0.25;
    static final double TARGET_P50_MS = 100;
    static final double TARGET_P99_MS = 500;
    static final double TARGET_BOOTSTRAP_S = 60;
    static final double TARGET_SPEEDUP = 20;
    static final double TARGET_HEAP_MB = 512;

    /** One row of the figures table. */
    record Figure(String figure, String value, String baseline, String ratio, String target, Boolean pass) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("figure", figure);
            m.put("value", value);
            m.put("baseline", baseline);
            m.put("ratio", ratio);
            m.put("target", target);
            m.put("pass", pass);
            return m;
        }
    }

    private final Map<String, Object> report;
    private final List<Figure> figures = new ArrayList<>();
    private final List<Map<String, Object>> targets = new ArrayList<>();
    private final Map<String, Object> ratios = new LinkedHashMap<>();

    Report(Map<String, Object> report) {
        this.report = report;
    }

    /** Adds {@code ratios}, {@code targets} and {@code figures} to the report. */
    @SuppressWarnings("unchecked")
    void summarize() {
        Map<String, Object> ceiling = (Map<String, Object>) report.get("capture_ceiling");
        Double pg = num(ceiling, "postgresql", "events_per_s");
        Double maria = num(ceiling, "mariadb", "events_per_s");
        Double ceilingMin = pg == null ? maria : maria == null ? pg : Double.valueOf(Math.min(pg, maria));
        Map<String, Object> streaming = (Map<String, Object>) report.get("streaming");
        Double rate = num(streaming, "generic", "burst", "changes_per_s");
        Double p50 = num(streaming, "generic", "latency", "p50_ms");
        Double p95 = num(streaming, "generic", "latency", "p95_ms");
        Double p99 = num(streaming, "generic", "latency", "p99_ms");
        Double latRate = num(streaming, "generic", "latency", "offered_changes_per_s");
        Double appsRate = num(streaming, "apps", "burst", "changes_per_s");
        Double appsP50 = num(streaming, "apps", "latency", "p50_ms");
        Double appsP99 = num(streaming, "apps", "latency", "p99_ms");
        Map<String, Object> boot = (Map<String, Object>) report.get("bootstrap");
        Double bootS = num(boot, "bootstrap", "seconds");
        Double bootRate = num(boot, "bootstrap", "accounts_per_s");
        Double accounts = num(boot, "data", "accounts");
        Double naiveS = num(boot, "naive", "cycle_s");
        Double naiveLatency = num(boot, "naive", "user_latency_avg_s");
        Double heap = num(boot, "memory", "heap_after_bootstrap_mb");
        Double peakHeap = num(boot, "memory", "peak_heap_after_gc_mb");
        Double rss = num(boot, "memory", "peak_rss_mb");
        Boolean fits = bool(boot, "memory", "completes_in_" + (int) TARGET_HEAP_MB + "mb_heap");
        Double storeFloor = num(boot, "store_floor", "seconds");
        Double naiveRead = num(boot, "naive", "read_s");
        Double bootFloor = storeFloor == null || naiveRead == null ? null : storeFloor + naiveRead;

        Double share = div(rate, ceilingMin);
        Double speedup = div(naiveS, bootS);
        ratio("streaming_rate_over_capture_ceiling", share);
        ratio("streaming_rate_over_postgresql_ceiling", div(rate, pg));
        ratio("streaming_rate_over_mariadb_ceiling", div(rate, maria));
        ratio("bootstrap_speedup_over_naive", speedup);
        ratio("bootstrap_floor_speedup_over_naive", div(naiveS, bootFloor));
        ratio("naive_user_latency_over_streaming_p50", div(naiveLatency == null ? null : naiveLatency * 1000, p50));

        target("streaming_changes_per_s_to_2_targets", rate, ">=", TARGET_RATE, "changes/s");
        target("streaming_share_of_capture_ceiling", share, ">=", TARGET_CEILING_SHARE, "ratio");
        target("latency_p50_ms_at_" + fmt(latRate) + "_per_s", p50, "<=", TARGET_P50_MS, "ms");
        target("latency_p99_ms_at_" + fmt(latRate) + "_per_s", p99, "<=", TARGET_P99_MS, "ms");
        target("bootstrap_s_" + fmt(accounts) + "_x3", bootS, "<=", TARGET_BOOTSTRAP_S, "s");
        target("bootstrap_speedup_over_naive", speedup, ">=", TARGET_SPEEDUP, "x");
        target("heap_mb_after_bootstrap", heap, "<=", TARGET_HEAP_MB, "MB");
        if (Boolean.FALSE.equals(fits) && !targets.isEmpty()) {
            targets.get(targets.size() - 1).put("pass", false);
            targets.get(targets.size() - 1).put("note", "the bootstrap ran out of memory in a 512 MB heap");
        }

        figure("Capture ceiling, PostgreSQL (Debezium alone, backlog)", pg, "events/s", null, null, null, null, null);
        figure("Capture ceiling, MariaDB (Debezium alone, backlog)", maria, "events/s", null, null, null, null, null);
        for (String d : List.of("postgresql", "mariadb")) {
            Double jvm = num(report, "capture_ceiling", d, "cpu_ms_per_event_jvm");
            Double db = num(report, "capture_ceiling", d, "cpu_ms_per_event_databases");
            if (jvm != null && db != null) {
                figure("Capture ceiling, " + (d.equals("mariadb") ? "MariaDB" : "PostgreSQL")
                        + ": CPU per event, Debezium's JVM + the database server", Stats.round(jvm + db, 4), "ms",
                        "JVM " + fmt4(jvm) + " + database " + fmt4(db) + " ms", null, null, null, null);
            }
        }
        figure("Streaming, generic: changes/s fully propagated (each to 2 targets)", rate, "changes/s",
                "capture ceiling " + fmt(ceilingMin) + " events/s", share, "≥ 5,000/s and ≥ 0.25× ceiling",
                both(rate == null ? null : rate >= TARGET_RATE, share == null ? null : share >= TARGET_CEILING_SHARE), null);
        Double jvmMs = num(streaming, "generic", "burst", "cpu_ms_per_change_jvm");
        Double dbMs = num(streaming, "generic", "burst", "cpu_ms_per_change_databases");
        figure("Streaming burst: CPU per propagated change, accountsync's JVM", jvmMs, "ms", null, null, null, null, null);
        figure("Streaming burst: CPU per propagated change, the database servers (source write, 2 target writes,"
                + " 3 log decodings)", dbMs, "ms", null, null, null, null, null);
        figure("Streaming: the CPU bound of this machine (cores ÷ CPU per change)",
                num(streaming, "generic", "burst", "cpu_bound_changes_per_s"), "changes/s", "databases alone "
                        + fmt(num(streaming, "generic", "burst", "cpu_bound_changes_per_s_databases_alone")) + " changes/s",
                null, null, null, null);
        String[][] groups = {{"debezium_log_readers", "Debezium's log readers"},
            {"engine_tasks_convert_and_merge", "the engine's task threads (convert, merge)"},
            {"apply_workers", "the apply workers"}, {"jvm_gc", "garbage collection"}, {"jvm_jit", "the JIT compilers"}};
        for (String[] g : groups) {
            Double ms = num(streaming, "generic", "burst", "cpu_ms_per_change_jvm_by_threads", g[0]);
            if (ms != null) {
                figure("Streaming burst: JVM CPU per change, " + g[1], ms, "ms", null, null, null, null, null);
            }
        }
        figure("Streaming: the floor here, Debezium's log readers and the databases alone (cores ÷ their CPU per change)",
                num(streaming, "generic", "burst", "cpu_bound_changes_per_s_debezium_readers_and_databases"), "changes/s",
                null, null, null, null, null);
        figure("Latency p50 at " + fmt(latRate) + " changes/s", p50, "ms", "naive " + fmt(naiveLatency) + " s",
                div(naiveLatency == null ? null : naiveLatency * 1000, p50), "≤ 100 ms", le(p50, TARGET_P50_MS), "x faster");
        figure("Latency p95 at " + fmt(latRate) + " changes/s", p95, "ms", null, null, null, null, null);
        figure("Latency p99 at " + fmt(latRate) + " changes/s", p99, "ms", "naive " + fmt(naiveLatency) + " s",
                div(naiveLatency == null ? null : naiveLatency * 1000, p99), "≤ 500 ms", le(p99, TARGET_P99_MS), "x faster");
        Double qRate = num(streaming, "generic", "latency_quarter_load", "offered_changes_per_s");
        figure("Latency p50 at a quarter of the load (" + fmt(qRate) + " changes/s)",
                num(streaming, "generic", "latency_quarter_load", "p50_ms"), "ms", null, null, null, null, null);
        figure("Latency p99 at a quarter of the load (" + fmt(qRate) + " changes/s)",
                num(streaming, "generic", "latency_quarter_load", "p99_ms"), "ms", null, null, null, null, null);
        Double pgRate = num(streaming, "generic_postgresql_store", "burst", "changes_per_s");
        if (pgRate != null) {
            String store = ", with a PostgreSQL state store";
            Double pgShare = div(pgRate, ceilingMin);
            ratio("streaming_postgresql_store_rate_over_capture_ceiling", pgShare);
            figure("Streaming, generic" + store + ": changes/s fully propagated (each to 2 targets)", pgRate, "changes/s",
                    "capture ceiling " + fmt(ceilingMin) + " events/s", pgShare, "≥ 5,000/s and ≥ 0.25× ceiling",
                    both(pgRate >= TARGET_RATE, pgShare == null ? null : pgShare >= TARGET_CEILING_SHARE), null);
            figure("Streaming burst" + store + ": CPU per propagated change, accountsync's JVM",
                    num(streaming, "generic_postgresql_store", "burst", "cpu_ms_per_change_jvm"), "ms", null, null, null,
                    null, null);
            figure("Streaming burst" + store + ": CPU per propagated change, the database servers (with the store's)",
                    num(streaming, "generic_postgresql_store", "burst", "cpu_ms_per_change_databases"), "ms", null, null,
                    null, null, null);
            Double pgP50 = num(streaming, "generic_postgresql_store", "latency", "p50_ms");
            Double pgP99 = num(streaming, "generic_postgresql_store", "latency", "p99_ms");
            figure("Latency p50 at " + fmt(latRate) + " changes/s" + store, pgP50, "ms", null, null, "≤ 100 ms",
                    le(pgP50, TARGET_P50_MS), null);
            figure("Latency p99 at " + fmt(latRate) + " changes/s" + store, pgP99, "ms", null, null, "≤ 500 ms",
                    le(pgP99, TARGET_P99_MS), null);
        }
        if (appsRate != null) {
            figure("Streaming, Trac/MediaWiki/Moodle: changes/s fully propagated", appsRate, "changes/s",
                    "capture ceiling " + fmt(ceilingMin) + " events/s", div(appsRate, ceilingMin), null, null, null);
            figure("Latency p50, Trac/MediaWiki/Moodle", appsP50, "ms", null, null, null, null, null);
            figure("Latency p99, Trac/MediaWiki/Moodle", appsP99, "ms", null, null, null, null, null);
        }
        figure("Bootstrap " + fmt(accounts) + " × 3 (10% divergent, 5% missing), until converged", bootS, "s",
                "naive cycle " + fmt(naiveS) + " s", speedup, "≤ 60 s and ≥ 20× naive",
                both(le(bootS, TARGET_BOOTSTRAP_S), speedup == null ? null : speedup >= TARGET_SPEEDUP), "x faster");
        figure("Bootstrap throughput", bootRate, "accounts/s", "naive " + fmt(div(accounts, naiveS)) + " accounts/s",
                div(bootRate, div(accounts, naiveS)), null, null, null);
        figure("Bootstrap floor with the H2 state store: the naive's read of the 3 databases + one keyed row per"
                        + " person and per local account, nothing else", bootFloor, "s", "naive cycle " + fmt(naiveS) + " s",
                div(naiveS, bootFloor), null, null, "x faster");
        figure("State-store floor alone: " + fmt(num(boot, "store_floor", "people")) + " people and "
                + fmt(num(boot, "store_floor", "links")) + " links into H2, keys built", storeFloor, "s", null, null, null,
                null, null);
        figure("Naive baseline: one cycle (read all, merge, write all)", naiveS, "s", null, null, null, null, null);
        figure("Naive baseline: average latency a user sees (60 s cron)", naiveLatency, "s", null, null, null, null, null);
        figure("Heap after bootstrapping " + fmt(accounts) + " accounts (after full GC)"
                        + (fits == null ? "" : fits ? ", in a 512 MB heap (-Xmx512m)" : "; it did NOT complete in a 512 MB heap"),
                heap, "MB", null, null, "≤ 512 MB", both(le(heap, TARGET_HEAP_MB), fits), null);
        figure("Peak heap right after a GC, during the bootstrap", peakHeap, "MB", null, null, null, null, null);
        figure("Peak RSS of the bootstrap process", rss, "MB", null, null, null, null, null);

        report.put("ratios", ratios);
        report.put("targets", targets);
        List<Map<String, Object>> f = new ArrayList<>();
        figures.forEach(x -> f.add(x.json()));
        report.put("figures", f);
    }

    /** The figures as a Markdown table. */
    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| figure | value | baseline / ceiling | ratio | target | pass |\n");
        b.append("| --- | ---: | --- | ---: | --- | --- |\n");
        for (Figure f : figures) {
            b.append("| ").append(f.figure()).append(" | ").append(f.value()).append(" | ")
                    .append(f.baseline() == null ? "" : f.baseline()).append(" | ")
                    .append(f.ratio() == null ? "" : f.ratio()).append(" | ")
                    .append(f.target() == null ? "" : f.target()).append(" | ")
                    .append(f.pass() == null ? "" : f.pass() ? "yes" : "**no**").append(" |\n");
        }
        return b.toString();
    }

    List<Figure> figures() {
        return figures;
    }

    private void ratio(String name, Double value) {
        if (value != null) {
            ratios.put(name, Stats.round(value, 3));
        }
    }

    private void target(String name, Double value, String op, double limit, String unit) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", name);
        t.put("value", value == null ? null : Stats.round(value, 3));
        t.put("op", op);
        t.put("limit", limit);
        t.put("unit", unit);
        t.put("pass", value == null ? null : op.equals(">=") ? value >= limit : value <= limit);
        targets.add(t);
    }

    private void figure(String name, Double value, String unit, String baseline, Double ratio, String target,
                        Boolean pass, String ratioUnit) {
        if (value == null) {
            return;
        }
        String r = ratio == null ? null : String.format(Locale.ROOT, ratio >= 10 ? "%.0f" : ratio >= 1 ? "%.1f" : "%.2f", ratio)
                + (ratioUnit == null ? "×" : "× " + ratioUnit.replace("x ", ""));
        figures.add(new Figure(name, fmt(value) + " " + unit, baseline, r, target, pass));
    }

    /** Both known: both hold; one known: that one; none: unknown. */
    private static Boolean both(Boolean a, Boolean b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Boolean.valueOf(a && b);
    }

    private static Boolean le(Double v, double limit) {
        return v == null ? null : v <= limit;
    }

    static String fmt(Double v) {
        if (v == null || v.isNaN()) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static Double div(Double a, Double b) {
        return a == null || b == null || b == 0 ? null : a / b;
    }

    @SuppressWarnings("unchecked")
    static Boolean bool(Map<String, Object> root, String... path) {
        Object o = root;
        for (String p : path) {
            if (!(o instanceof Map)) {
                return null;
            }
            o = ((Map<String, Object>) o).get(p);
        }
        return o instanceof Boolean b ? b : null;
    }

    /** A number at a path of nested maps, or null. */
    @SuppressWarnings("unchecked")
    private static String fmt4(Double v) {
        return v == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    static Double num(Map<String, Object> root, String... path) {
        Object o = root;
        for (String p : path) {
            if (!(o instanceof Map)) {
                return null;
            }
            o = ((Map<String, Object>) o).get(p);
        }
        return o instanceof Number n ? n.doubleValue() : null;
    }
}
