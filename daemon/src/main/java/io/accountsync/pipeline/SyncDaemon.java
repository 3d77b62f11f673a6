package io.accountsync.pipeline;

import io.accountsync.apply.JdbcPatchWriter;
import io.accountsync.apply.PatchWriter;
import io.accountsync.apply.SqlFileWriter;
import io.accountsync.capture.CaptureSettings;
import io.accountsync.config.AccountsyncConfig;
import io.accountsync.config.EnvironmentConfig;
import io.accountsync.metrics.Metrics;
import io.accountsync.metrics.MetricsServer;
import io.accountsync.state.StateDao;
import io.accountsync.state.StateStore;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
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
 * one, and the change processor between them. {@link #start} returns once everything runs;
 * {@link #close} stops capture first (offsets flushed), then the apply workers.
 */
public final class SyncDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncDaemon.class);
    private static final Duration ECHO_MEMORY = Duration.ofHours(24);

    private final AccountsyncConfig config;
    private final Clock clock;
    private final Metrics metrics = new Metrics();
    private final Map<String, EnvironmentRuntime> envs = new LinkedHashMap<>();
    private final Map<String, ApplyWorker> workers = new LinkedHashMap<>();
    private final List<CaptureSupervisor> captures = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile DaemonState state = DaemonState.CREATED;
    private StateStore store;
    private EchoRegistry echoes;
    private ChangeProcessor processor;
    private MetricsServer metricsServer;

    public SyncDaemon(AccountsyncConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public DaemonState state() {
        return state;
    }

    public Metrics metrics() {
        return metrics;
    }

    public Integer metricsPort() {
        return metricsServer == null ? null : metricsServer.port();
    }

    private synchronized void transition(DaemonState next, String why) {
        if (!state.canTransitionTo(next)) {
            throw new IllegalStateException("daemon cannot go from " + state + " to " + next);
        }
        LOG.info("daemon {} -> {}{}", state, next, why == null ? "" : ": " + why);
        state = next;
    }

    public void start() throws IOException, SQLException {
        transition(DaemonState.STARTING, config.dryRun() ? "dry-run: nothing is written, statements go to "
                + config.sqlDir() : null);
        try {
            store = new StateStore(config.stateStore().effectiveUrl(config.dataDir()), config.stateStore().user(),
                    config.stateStore().password()).openForUse();
            echoes = new EchoRegistry(clock);
            try (Connection c = store.connect()) {
                StateDao dao = new StateDao(c);
                dao.pruneOwnTransactions(clock.instant().minus(ECHO_MEMORY));
                echoes.load(dao.ownTransactions(clock.instant().minus(ECHO_MEMORY)));
                c.commit();
            }
            for (EnvironmentConfig e : config.environments().values()) {
                if (!e.enabled()) {
                    LOG.info("environment {} is disabled", e.name());
                    continue;
                }
                var profile = Profiles.create(e);
                envs.put(e.name(), new EnvironmentRuntime(e, profile, EnvironmentRuntime.synced(profile, config.syncFields())));
            }
            for (EnvironmentRuntime env : envs.values()) {
                if (!env.config().writes()) {
                    continue;
                }
                PatchWriter writer = config.dryRun()
                        ? new SqlFileWriter(env.name(), env.config().dialect(), env.profile(), config.sqlDir(), clock)
                        : new JdbcPatchWriter(env.name(), env.config().connection(), env.profile());
                ApplyWorker w = new ApplyWorker(env, writer, store, echoes, metrics, clock, config.apply().batchSize(),
                        config.apply().retryInitial(), config.apply().retryMax());
                workers.put(env.name(), w);
                metrics.registerQueueDepth(env.name(), () -> queueDepth(env.name()));
            }
            processor = new ChangeProcessor(store, envs, echoes, metrics, clock, name -> {
                ApplyWorker w = workers.get(name);
                if (w != null) {
                    w.wake();
                }
            });
            workers.values().forEach(ApplyWorker::start);
            for (EnvironmentRuntime env : envs.values()) {
                if (!env.config().reads()) {
                    continue;
                }
                EnvironmentConfig e = env.config();
                CaptureSettings settings = new CaptureSettings(e.name(), e.connection(), env.profile().capturedTables(),
                        captureDir(e.name()), serverId(e.name()), null, null, null, e.debezium());
                CaptureSupervisor s = new CaptureSupervisor(e.name(), settings, rows -> {
                    MDC.put("env", e.name());
                    processor.process(e.name(), rows);
                }, metrics, config.apply().retryInitial(), config.apply().retryMax());
                captures.add(s);
                s.start();
            }
            if (config.metrics().enabled()) {
                metricsServer = new MetricsServer(config.metrics().host(), config.metrics().port(), metrics,
                        () -> state == DaemonState.RUNNING);
                LOG.info("metrics on http://{}:{}/metrics", config.metrics().host(), metricsServer.port());
            }
            transition(DaemonState.RUNNING, envs.size() + " environments");
        } catch (IOException | SQLException | RuntimeException e) {
            transition(DaemonState.FAILED, e.getMessage());
            close();
            throw e;
        }
    }

    private long queueDepth(String env) {
        try (Connection c = store.connect()) {
            long n = new StateDao(c).outboxDepth(env);
            c.commit();
            return n;
        } catch (SQLException | RuntimeException e) {
            return -1;
        }
    }

    private Path captureDir(String env) {
        return config.dataDir().resolve("capture").resolve(env);
    }

    /** A stable replica id per environment, so a restart resumes as the same binlog client. */
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
        for (CaptureSupervisor s : captures) {
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
        if (state != DaemonState.FAILED) {
            transition(DaemonState.STOPPED, "offsets flushed");
        }
        stopped.countDown();
    }
}
