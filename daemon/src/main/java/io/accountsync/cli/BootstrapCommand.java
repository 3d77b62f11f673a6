package io.accountsync.cli;

import io.accountsync.apply.ApplyException;
import io.accountsync.config.AccountsyncConfig;
import io.accountsync.metrics.Metrics;
import io.accountsync.pipeline.ApplyWorker;
import io.accountsync.pipeline.Bootstrap;
import io.accountsync.pipeline.BootstrapSummary;
import io.accountsync.pipeline.EchoRegistry;
import io.accountsync.pipeline.EnvironmentRuntime;
import io.accountsync.pipeline.Wiring;
import io.accountsync.state.StateDao;
import io.accountsync.state.StateStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code accountsync bootstrap}: the initial full sync, then exit. */
@Command(name = "bootstrap", mixinStandardHelpOptions = true,
        description = {"Read every environment in full, correlate, merge under the policy, create missing accounts, "
                + "then write — or, in a dry run, write the statements to <sql_dir>/<env>.sql.",
                "Exit code: 0 done, 1 conflicts left open (see `accountsync conflicts list`), 2 configuration error."})
final class BootstrapCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, description = "The YAML configuration file.")
    Path config;

    @Option(names = "--dry-run", description = "Write nothing to any environment (also the default of `dry_run`).")
    boolean dryRunFlag;

    @Option(names = "--force", description = "Bootstrap again over a store that already has one (its state is wiped).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AccountsyncConfig cfg = ConfigLoading.load(config, err);
        if (cfg == null) {
            return ConfigLoading.CONFIG_ERROR;
        }
        java.util.List<io.accountsync.doctor.Check> blocked = io.accountsync.doctor.Preflight.failures(cfg);
        if (!blocked.isEmpty()) {
            // A wrong dialect, a missing table or column: no retry fixes these, so say so now instead of looping.
            err.print(io.accountsync.doctor.Preflight.describe(blocked) + "(`accountsync doctor -c " + config + "` checks everything)\n");
            err.flush();
            return 1;
        }
        boolean dryRun = dryRunFlag || cfg.dryRun();
        if (dryRun) {
            deleteTree(cfg.dryRunDir());   // a dry run always starts from nothing
        }
        Clock clock = Clock.systemUTC();
        StateStore store = Wiring.store(cfg, dryRun).openForUse();
        if (!dryRun && Bootstrap.isDone(store)) {
            if (!force) {
                err.println("error: the state store already has a bootstrap; `accountsync run` keeps it in line. "
                        + "Use --force to wipe it and bootstrap again.");
                return 1;
            }
            for (String env : cfg.environments().keySet()) {
                deleteTree(Wiring.captureDir(cfg, false, env));
            }
        }
        Map<String, EnvironmentRuntime> envs = Wiring.environments(cfg);
        ConsoleProgress progress = new ConsoleProgress(err, System.console() != null);
        Metrics metrics = new Metrics();
        EchoRegistry echoes = new EchoRegistry(clock);
        // Every environment's writes at once, one thread each, while the merge still plans: they go to different
        // databases, one environment's slow writes do not hold up the others, and writing overlaps merging.
        AtomicBoolean merging = new AtomicBoolean(true);
        AtomicLong applied = new AtomicLong();
        Map<String, Future<Long>> drains = new LinkedHashMap<>();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bootstrap-apply");
            t.setDaemon(true);
            return t;
        });
        BootstrapSummary summary;
        try {
            Map<String, ApplyWorker> workers = new LinkedHashMap<>();
            for (EnvironmentRuntime env : envs.values()) {
                if (env.config().writes()) {
                    workers.put(env.name(), new ApplyWorker(env, Wiring.writer(cfg, env, dryRun, true, clock), store,
                            echoes, metrics, clock, cfg.apply().batchSize(), cfg.apply().retryInitial(),
                            cfg.apply().retryMax()));
                }
            }
            Bootstrap.Result result = new Bootstrap(store, envs, Wiring.policy(cfg), clock, progress,
                    Wiring.stagingDir(cfg, dryRun)).run(() -> workers.forEach((name, worker) ->
                    drains.put(name, pool.submit(() -> {
                        long n = worker.drain(8, merging::get);
                        applied.addAndGet(n);
                        return n;
                    }))));
            summary = result.summary();
            merging.set(false);
            long planned;
            try (Connection c = store.connect()) {
                planned = new StateDao(c).count("outbox") + applied.get();
                c.commit();
            }
            progress.applying(planned);
            List<String> failed = new ArrayList<>();
            for (Map.Entry<String, Future<Long>> d : drains.entrySet()) {
                try {
                    d.getValue().get();
                    progress.applied(applied.get());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof ApplyException)) {
                        throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause());
                    }
                    failed.add("error: writing to " + d.getKey() + " failed: " + e.getCause().getMessage());
                    failed.add("the state store keeps the remaining writes; `accountsync run` applies them when "
                            + d.getKey() + " is writable");
                }
            }
            if (!failed.isEmpty()) {
                progress.finished();
                failed.forEach(err::println);
                return 1;
            }
        } finally {
            merging.set(false);
            pool.shutdownNow();
        }
        progress.finished();
        try (Connection c = store.connect()) {
            for (StateDao.QuarantineEntry q : new StateDao(c).quarantined()) {
                if (q.stage().equals("apply")) {
                    summary.env(q.env()).quarantined++;
                }
            }
            c.commit();
        }
        out.print(summary.table());
        if (dryRun) {
            out.println("dry run: nothing was written; the statements are in " + cfg.sqlDir() + "/<environment>.sql");
        }
        if (summary.openConflicts > 0) {
            out.println(summary.openConflicts + " conflict(s) left for an operator: `accountsync conflicts list -c " + config + "`");
        }
        out.flush();
        return summary.openConflicts > 0 ? 1 : 0;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
