package io.accountsync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark: {@code ops/bench [--short] [--out DIR] [--only SECTIONS] [--size KEY=N]... [--probe-jvm OPTS]}.
 *
 * <p>Runs, in one JVM and one run, against the private databases: the capture ceiling (PostgreSQL, MariaDB),
 * streaming under the daemon (generic; Trac/MediaWiki/Moodle), the bootstrap (in a JVM of its own, for its
 * memory) and the floor of its H2 state store, the naive baseline on the same data; then writes {@code bench-report.json}, {@code bench-report.md}
 * (the figures table) and {@code bench-chart.svg} into the output directory.
 *
 * <p>Sections ({@code --only}, comma-separated): capture, streaming, streaming-pg (the generic streaming run again
 * with the state store on pg1, the store production is told to use), apps, bootstrap, naive. Size keys: see
 * {@link Sizes#json()}. {@code --state-store postgresql} puts the daemons' state store on pg1 instead of the
 * default H2 file; {@code --h2-options ";K=V"} appends options to the H2 URL and {@code --debezium K=V} adds a
 * Debezium property to every environment (experiments; both are recorded in the report).
 */
public final class BenchMain {
    static final List<String> SECTIONS = List.of("capture", "streaming", "streaming-pg", "apps", "bootstrap", "naive");

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args);
            System.exit(0);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: ops/bench [--short] [--out DIR] [--only " + String.join(",", SECTIONS)
                    + "] [--size KEY=N]... [--probe-jvm \"OPTS\"] [--state-store h2|postgresql] [--h2-options \";K=V\"] [--debezium K=V]...");
            System.exit(2);
        }
    }

    /** Runs the bench; returns the report file. */
    @SuppressWarnings("unchecked")
    public static Path run(String... args) throws Exception {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "bench-logback.xml");
        }
        boolean shortMode = false;
        Path out = Path.of("bench", "target", "bench-out");
        Set<String> only = new LinkedHashSet<>(SECTIONS);
        Map<String, Integer> sizeOverrides = new LinkedHashMap<>();
        List<String> probeJvm = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--short" -> shortMode = true;
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--only" -> {
                    only = new LinkedHashSet<>(Arrays.asList(value(args, ++i, "--only").split(",")));
                    for (String s : only) {
                        if (!SECTIONS.contains(s)) {
                            throw new IllegalArgumentException("unknown section " + s);
                        }
                    }
                }
                case "--size" -> {
                    String kv = value(args, ++i, "--size");
                    int eq = kv.indexOf('=');
                    if (eq < 0) {
                        throw new IllegalArgumentException("--size KEY=N, got " + kv);
                    }
                    sizeOverrides.put(kv.substring(0, eq), Integer.parseInt(kv.substring(eq + 1).replace("_", "")));
                }
                case "--state-store" -> {
                    Farm.stateStoreKind = value(args, ++i, "--state-store");
                    if (!List.of("h2", "postgresql").contains(Farm.stateStoreKind)) {
                        throw new IllegalArgumentException("--state-store h2|postgresql");
                    }
                }
                case "--debezium" -> {
                    String kv = value(args, ++i, "--debezium");
                    int eq = kv.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--debezium KEY=VALUE, got " + kv);
                    }
                    Farm.DEBEZIUM.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                case "--h2-options" -> Farm.h2Options = value(args, ++i, "--h2-options");
                case "--probe-jvm" -> probeJvm.addAll(Arrays.asList(value(args, ++i, "--probe-jvm").trim().split("\\s+")));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        probeJvm.removeIf(String::isBlank);
        Sizes sizes = (shortMode ? Sizes.shortRun() : Sizes.full()).with(sizeOverrides);
        Files.createDirectories(out);
        Path work = out.resolve("work");
        deleteTree(work);   // state stores, capture offsets and logs of an earlier run
        Files.createDirectories(work);

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("mode", shortMode ? "short" : "full");
        report.put("started_at", Instant.now().toString());
        report.put("machine", machine());
        report.put("sizes", sizes.json());
        report.put("sections", new ArrayList<>(only));
        report.put("state_store", Farm.stateStoreKind + Farm.h2Options);
        report.put("debezium_overrides", new LinkedHashMap<>(Farm.DEBEZIUM));
        report.put("probe_jvm_options", probeJvm);
        // The JIT and collector flags of the JVM that hosts the daemon (ops/bench passes the systemd unit's).
        report.put("bench_jvm_options", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:") || a.startsWith("-Xm")).toList());
        long t0 = System.nanoTime();
        Log.info("mode " + report.get("mode") + ", sections " + only + ", sizes " + sizes.json());

        if (only.contains("capture")) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("method", "CaptureEngine with a no-op sink; backlog of single-row updates in transactions of 1,000;"
                    + " events/s from the first delivered batch to the last");
            c.put("postgresql", CaptureCeiling.run(io.accountsync.testsupport.TestDatabases.pg1(), sizes.ceilingEvents(),
                    work).json());
            c.put("mariadb", CaptureCeiling.run(io.accountsync.testsupport.TestDatabases.mariadb(), sizes.ceilingEvents(),
                    work).json());
            report.put("capture_ceiling", c);
        }
        Map<String, Object> streaming = new LinkedHashMap<>();
        if (only.contains("streaming")) {
            streaming.put("generic", StreamingBench.run(sizes, work));
        }
        if (only.contains("streaming-pg") && !"postgresql".equals(Farm.stateStoreKind)) {
            String kind = Farm.stateStoreKind;
            Farm.stateStoreKind = "postgresql";
            try {
                streaming.put("generic_postgresql_store", StreamingBench.run(sizes, work.resolve("postgresql-store")));
            } finally {
                Farm.stateStoreKind = kind;
            }
        }
        if (only.contains("apps") && sizes.appsAccounts() > 0) {
            streaming.put("apps", AppsStreamingBench.run(sizes, work));
        }
        if (!streaming.isEmpty()) {
            report.put("streaming", streaming);
        }
        if (only.contains("bootstrap") || only.contains("naive")) {
            report.put("bootstrap", BootstrapBench.run(sizes.bootstrapAccounts(), work, probeJvm,
                    only.contains("bootstrap"), only.contains("naive")));
        }
        report.put("duration_s", Stats.round((System.nanoTime() - t0) / 1e9, 1));
        ((Map<String, Object>) report.get("machine")).put("load_average_at_end", Procfs.loadAverage());

        Report summary = new Report(report);
        summary.summarize();
        Path json = out.resolve("bench-report.json");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), report);
        String table = summary.markdown();
        Files.writeString(out.resolve("bench-report.md"), "Machine: " + describe(report) + "\n\n" + table);
        Files.writeString(out.resolve("bench-chart.svg"), SvgChart.render(report));
        System.out.println();
        System.out.println(table);
        Log.info("report " + json.toAbsolutePath() + ", chart " + out.resolve("bench-chart.svg").toAbsolutePath());
        return json;
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpu_model", Procfs.cpuModel());
        m.put("memory_mb", Procfs.memTotalMb());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("load_average_at_start", Procfs.loadAverage());
        m.put("databases", "private instances (ops/dev/databases): PostgreSQL 15 pg1/pg2, MariaDB; fsync off");
        return m;
    }

    @SuppressWarnings("unchecked")
    private static String describe(Map<String, Object> report) {
        Map<String, Object> m = (Map<String, Object>) report.get("machine");
        return m.get("cpus") + " cores (" + m.get("cpu_model") + "), " + m.get("memory_mb") + " MB, " + m.get("os")
                + ", " + m.get("java") + " " + String.join(" ", (List<String>) report.get("bench_jvm_options"))
                + "; mode " + report.get("mode") + ", sizes " + report.get("sizes");
    }
}
