package io.accountsync.pipeline;

import io.accountsync.apply.PatchWriter;
import io.accountsync.capture.CaptureSettings;
import io.accountsync.capture.EngineState;
import io.accountsync.capture.FullReader;
import io.accountsync.config.AccountsyncConfig;
import io.accountsync.config.EnvironmentConfig;
import io.accountsync.metrics.Metrics;
import io.accountsync.metrics.MetricsServer;
import io.accountsync.model.AccountChange;
import io.accountsync.state.StateDao;
import io.accountsync.state.StateStore;
import io.accountsync.status.DaemonStatus;
import io.accountsync.status.EnvLiveState;
import io.accountsync.status.LogEnvironments;
import io.accountsync.status.StatusCollector;
import io.accountsync.status.StatusJson;
import io.accountsync.status.StoreFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The always-on loop: one capture engine per readable environment, one apply worker per writable
 * one, and the change processor between them.
 *
 * <p>Start-up: the capture engines start first, streaming from "now", with their batches held at
 * a gate. When the state store has no completed bootstrap, the full bootstrap reads every
 * environment and merges; an environment whose capture has no offsets yet (added later, or its
 * offsets lost) gets a catch-up read merged as snapshot changes. Then the gates open: changes the
 * reads already contained are skipped, later ones flow. {@link #close} stops capture first (offsets
 * flushed), then the apply workers.
 */
public final class SyncDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncDaemon.class);
    private static final Duration ECHO_MEMORY = Duration.ofHours(24);
    private static final Duration CAPTURE_START_TIMEOUT = Duration.ofMinutes(3);

    private final AccountsyncConfig config;
    private final Clock clock;
    private final boolean dryRun;
    private final BootstrapProgress progress;
    private final Metrics metrics = new Metrics();
    private final Map<String, EnvironmentRuntime> envs = new LinkedHashMap<>();
    private final Map<String, ApplyWorker> workers = new LinkedHashMap<>();
    private final Map<String, CaptureSupervisor> captures = new LinkedHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile DaemonState state = DaemonState.CREATED;
    private volatile BootstrapSummary bootstrapSummary;
    private StateStore store;
    private EchoRegistry echoes;
    private ChangeProcessor processor;
    private MetricsServer metricsServer;
    private final StatusCollector statusCollector;
    private volatile Instant startedAt;

    public SyncDaemon(AccountsyncConfig config, Clock clock) {
        this(config, clock, config.dryRun(), BootstrapProgress.NONE);
    }

    public SyncDaemon(AccountsyncConfig config, Clock clock, boolean dryRun, BootstrapProgress progress) {
        this.config = config;
        this.clock = clock;
        this.dryRun = dryRun;
        this.progress = progress;
        this.statusCollector = new StatusCollector(metrics, clock);
    }

    public DaemonState state() {
        return state;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The bootstrap this start ran, or null. */
    public BootstrapSummary bootstrapSummary() {
        return bootstrapSummary;
    }

    private synchronized void transition(DaemonState next, String why) {
        if (!state.canTransitionTo(next)) {
            throw new IllegalStateException("daemon cannot go from " + state + " to " + next);
        }
        LOG.info("daemon {} -> {}{}", state, next, why == null ? "" : ": " + why);
        state = next;
    }

    public void start() throws Exception {
        startedAt = clock.instant();
        transition(DaemonState.STARTING, dryRun ? "dry-run: nothing is written, statements go to " + config.sqlDir() : null);
        try {
            store = Wiring.store(config, dryRun).openForUse();
            echoes = new EchoRegistry(clock);
            try (Connection c = store.connect()) {
                StateDao dao = new StateDao(c);
                dao.pruneOwnTransactions(clock.instant().minus(ECHO_MEMORY));
                echoes.load(dao.ownTransactions(clock.instant().minus(ECHO_MEMORY)));
                c.commit();
            }
            envs.putAll(Wiring.environments(config));
            envs.keySet().forEach(metrics::registerEnvironment);
            envs.values().forEach(e -> LogEnvironments.register(e.name(), e.config().connection().host(),
                    e.config().connection().port()));
            boolean bootstrapped = Bootstrap.isDone(store);
            for (EnvironmentRuntime env : envs.values()) {
                if (env.config().writes()) {
                    PatchWriter writer = Wiring.writer(config, env, dryRun, false, clock);
                    workers.put(env.name(), new ApplyWorker(env, writer, store, echoes, metrics, clock,
                            config.apply().batchSize(), config.apply().retryInitial(), config.apply().retryMax()));
                    metrics.registerQueueDepth(env.name(), () -> queueDepth(env.name()));
                    metrics.registerOldestPending(env.name(), () -> oldestPendingSeconds(env.name()));
                }
            }
            processor = new ChangeProcessor(store, envs, echoes, metrics, clock, Wiring.policy(config), name -> {
                ApplyWorker w = workers.get(name);
                if (w != null) {
                    w.wake();
                }
            });
            Map<String, Boolean> fresh = new LinkedHashMap<>();
            for (EnvironmentRuntime env : envs.values()) {
                if (!env.config().reads()) {
                    processor.open(env.name(), null);
                    continue;
                }
                EnvironmentConfig e = env.config();
                Path dir = Wiring.captureDir(config, dryRun, e.name());
                fresh.put(e.name(), !Files.exists(dir.resolve("offsets.dat")));
                CaptureSettings settings = new CaptureSettings(e.name(), e.connection(), env.profile().capturedTables(),
                        dir, serverId(dir.toAbsolutePath() + "/" + e.name()), null, null, "no_data", e.debezium());
                CaptureSupervisor s = new CaptureSupervisor(e.name(), settings, rows -> {
                    MDC.put("env", e.name());
                    processor.process(e.name(), rows);
                }, metrics, config.apply().retryInitial(), config.apply().retryMax());
                captures.put(e.name(), s);
                s.start();
            }
            if (config.metrics().enabled()) {
                statusCollector.start();
                metricsServer = new MetricsServer(config.metrics().host(), config.metrics().port(), metrics,
                        this::ready, () -> StatusJson.write(statusSnapshot()));
                LOG.info("metrics on http://{}:{}/metrics", config.metrics().host(), metricsServer.port());
            }
            if (!bootstrapped) {
                awaitCaptureRunning(captures.keySet(), CAPTURE_START_TIMEOUT);
                LOG.info("the state store has no bootstrap yet: reading every environment in full");
                MetricsProgress mp = new MetricsProgress(metrics, progress);
                Bootstrap.Result r = new Bootstrap(store, envs, Wiring.policy(config), clock, mp,
                        Wiring.stagingDir(config, dryRun)).run();
                mp.finished();
                bootstrapSummary = r.summary();
                LOG.info("bootstrap done:\n{}", r.summary().table());
                r.marks().forEach(processor::open);
            } else {
                for (Map.Entry<String, Boolean> f : fresh.entrySet()) {
                    if (f.getValue()) {
                        // Catch up in the background: the other environments sync meanwhile, and
                        // an environment that is down waits for its capture without holding them.
                        Thread t = new Thread(() -> catchUpWhenConnected(f.getKey()), "catch-up-" + f.getKey());
                        t.setDaemon(true);
                        t.start();
                    } else {
                        processor.open(f.getKey(), null);
                    }
                }
            }
            workers.forEach((name, w) -> {
                w.holdWhile(() -> !processor.isOpen(name));
                w.start();
            });
            transition(DaemonState.RUNNING, envs.size() + " environments");
        } catch (Exception e) {
            transition(DaemonState.FAILED, e.getMessage());
            close();
            throw e;
        }
    }

    private void catchUpWhenConnected(String env) {
        MDC.put("env", env);
        java.time.Duration backoff = config.apply().retryInitial();
        while (state != DaemonState.STOPPING && state != DaemonState.STOPPED && state != DaemonState.FAILED) {
            try {
                awaitCaptureRunning(List.of(env), java.time.Duration.ofDays(3650));
                processor.open(env, catchUp(envs.get(env)));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.warn("catch-up read of {} failed ({}); retrying in {} ms", env,
                        io.accountsync.capture.ErrorMessages.safe(e, env == null ? new io.accountsync.connect.Secret[0]
                                : new io.accountsync.connect.Secret[] {envs.get(env).config().connection().password()}),
                        backoff.toMillis());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(config.apply().retryMax()) > 0 ? config.apply().retryMax()
                        : backoff.multipliedBy(2);
            }
        }
    }

    /** Reads an environment whose capture starts without offsets, and merges it as snapshot changes. */
    private FullReader.ReadMark catchUp(EnvironmentRuntime env) throws Exception {
        MDC.put("env", env.name());
        try {
            return catchUpRead(env);
        } finally {
            MDC.remove("env");
        }
    }

    private FullReader.ReadMark catchUpRead(EnvironmentRuntime env) throws Exception {
        LOG.info("capture of {} starts without offsets: reading it in full to catch up", env.name());
        long began = System.nanoTime();
        long[] read = {0};
        List<AccountChange> batch = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        FullReader.ReadMark mark = FullReader.read(env.name(), env.config().connection(), env.profile(),
                new io.accountsync.profile.Profile.ReadSink() {
                    @Override
                    public void account(AccountChange change) throws Exception {
                        read[0]++;
                        batch.add(change);
                        if (batch.size() >= 1000) {
                            processor.processRead(env.name(), List.copyOf(batch), List.of());
                            batch.clear();
                        }
                    }

                    @Override
                    public void bad(String reason) {
                        bad.add(reason);
                    }
                });
        processor.processRead(env.name(), batch, bad);
        LOG.info("caught up with {}: {} local accounts read and merged in {} s; its stream and its writes go on",
                env.name(), read[0], String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - began) / 1e9));
        return mark;
    }

    /**
     * Bootstrap reads must come after every stream's start position is fixed. A full bootstrap
     * needs every readable environment reachable; it fails with a clear message after the timeout.
     */
    private void awaitCaptureRunning(java.util.Collection<String> names, Duration timeout) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        for (String name : names) {
            CaptureSupervisor c = captures.get(name);
            // RUNNING means the task started; the stream's position is fixed once it is connected.
            while (c.state() != EngineState.RUNNING
                    || !io.accountsync.capture.StreamingStatus.connected(name).orElse(false)) {
                if (c.halted()) {
                    throw new IllegalStateException(c.lastError());
                }
                if (clock.instant().isAfter(deadline)) {
                    throw new IllegalStateException("capture of " + name + " did not start within "
                            + timeout.toMinutes() + " min, and the bootstrap needs every environment: see the log above for its error ("
                            + "`accountsync doctor` checks its prerequisites)");
                }
                if (state == DaemonState.STOPPING || state == DaemonState.STOPPED) {
                    throw new InterruptedException("stopping");
                }
                Thread.sleep(20);
            }
        }
    }

    private long queueDepth(String env) {
        try (Connection c = store.connect()) {
            long n = new StateDao(c).outboxDepth(env);
            c.commit();
            return n;
        } catch (Exception e) {
            return -1;
        }
    }

    private double oldestPendingSeconds(String env) {
        try (Connection c = store.connect()) {
            Instant oldest = StoreFacts.oldestPending(c, env).orElse(null);
            c.commit();
            return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis()) / 1000.0;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Readiness: the daemon runs and every read environment's capture is up (connected to its log). */
    public boolean ready() {
        return state == DaemonState.RUNNING && captures.values().stream().allMatch(CaptureSupervisor::up);
    }

    /** The daemon and each environment now, as {@code /status} and {@code accountsync status} show them. */
    public DaemonStatus statusSnapshot() {
        List<EnvLiveState> live = new ArrayList<>();
        for (EnvironmentRuntime env : envs.values()) {
            CaptureSupervisor s = captures.get(env.name());
            ApplyWorker w = workers.get(env.name());
            live.add(new EnvLiveState(env.name(), env.config().dialect().configName(),
                    env.config().role().name().toLowerCase(java.util.Locale.ROOT),
                    s == null ? null : s.stateName(), s != null && s.up(),
                    s == null ? null : s.lastError(), s == null ? null : s.lastErrorAt(),
                    w == null ? null : w.healthy()));
        }
        return statusCollector.collect(state.name(), startedAt, dryRun, ready(), live, store);
    }

    /**
     * A stable replica id per environment and data directory: a restart resumes as the same binlog
     * client, and two daemons (other data directories) on one server never take each other's id.
     */
    static long serverId(String env) {
        CRC32 crc = new CRC32();
        crc.update(env.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return 100_000 + (crc.getValue() % 2_000_000_000L);
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() {
        if (state == DaemonState.STOPPED) {
            return;
        }
        if (state != DaemonState.FAILED) {
            transition(DaemonState.STOPPING, null);
        }
        captures.values().forEach(CaptureSupervisor::stopping);
        if (processor != null) {
            processor.stopping();
        }
        for (CaptureSupervisor s : captures.values()) {
            try {
                s.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.values().forEach(ApplyWorker::stop);
        for (ApplyWorker w : workers.values()) {
            try {
                w.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (processor != null) {
            processor.close();
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        statusCollector.close();
        if (state != DaemonState.FAILED) {
            transition(DaemonState.STOPPED, "offsets flushed");
        }
        stopped.countDown();
    }
}
