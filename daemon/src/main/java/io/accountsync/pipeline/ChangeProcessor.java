package io.accountsync.pipeline;

import io.accountsync.capture.CommitTimes;
import io.accountsync.correlate.Correlation;
import io.accountsync.correlate.Correlator;
import io.accountsync.merge.MergeDecision;
import io.accountsync.merge.Merger;
import io.accountsync.metrics.Metrics;
import io.accountsync.model.AccountChange;
import io.accountsync.model.Patch;
import io.accountsync.model.RowChange;
import io.accountsync.plan.Planner;
import io.accountsync.plan.Target;
import io.accountsync.profile.BadRowException;
import io.accountsync.state.CanonicalValue;
import io.accountsync.state.StateDao;
import io.accountsync.state.StateStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Normalize, correlate, merge and plan for one captured batch, in one state-store transaction: when
 * {@link #process} returns, the batch's effects (canonical values, links, planned patches in the
 * outbox, quarantine entries) are durable and its source offsets may be committed.
 */
public final class ChangeProcessor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeProcessor.class);

    private final StateStore store;
    private final Map<String, EnvironmentRuntime> envs;
    private final EchoRegistry echoes;
    private final Metrics metrics;
    private final Clock clock;
    private final Consumer<String> wakeApply;
    private final Correlator correlator = new Correlator();
    private final List<Target> targets;
    private Connection connection;

    public ChangeProcessor(StateStore store, Map<String, EnvironmentRuntime> envs, EchoRegistry echoes, Metrics metrics,
                           Clock clock, Consumer<String> wakeApply) {
        this.store = store;
        this.envs = envs;
        this.echoes = echoes;
        this.metrics = metrics;
        this.clock = clock;
        this.wakeApply = wakeApply;
        this.targets = envs.values().stream().map(EnvironmentRuntime::target).toList();
    }

    /** Processes one batch from {@code env}; returns when its effects are durable. */
    public void process(String env, List<RowChange> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        EnvironmentRuntime source = envs.get(env);
        Instant arrival = clock.instant();
        echoes.awaitQuiet(env);
        synchronized (this) {
            Instant now = clock.instant();
            Set<String> touched = new HashSet<>();
            try {
                Connection c = connection();
                StateDao dao = new StateDao(c);
                RowChange last = rows.get(rows.size() - 1);
                for (RowChange captured : rows) {
                    RowChange row = captured;
                    if (captured.op() != RowChange.Op.READ) {
                        Instant t = CommitTimes.estimate(source.config().dialect(), captured.commitTime(), arrival);
                        if (!t.equals(captured.commitTime())) {
                            row = new RowChange(captured.env(), captured.table(), captured.op(), captured.before(),
                                    captured.after(), t, captured.position(), captured.txId());
                        }
                    }
                    List<AccountChange> changes;
                    try {
                        changes = source.profile().normalize(row);
                    } catch (BadRowException e) {
                        dao.quarantine(env, "normalize", row.position(), null, null, e.getMessage(), null, now);
                        metrics.recordQuarantined(env);
                        LOG.warn("quarantined a row: {}", e.getMessage());
                        continue;
                    }
                    for (AccountChange change : changes) {
                        handle(dao, source, change, now, touched);
                    }
                }
                dao.envProgress(env, last.position(), last.commitTime(), rows.size(), now);
                c.commit();
                metrics.recordCaptureLag(env, Duration.between(last.commitTime(), clock.instant()));
            } catch (SQLException | RuntimeException e) {
                rollbackAndClose();
                throw e;
            }
            touched.forEach(wakeApply);
        }
    }

    private void handle(StateDao dao, EnvironmentRuntime source, AccountChange change, Instant now, Set<String> touched)
            throws SQLException {
        String env = source.name();
        boolean echo = echoes.isOwn(env, change.txId());
        metrics.recordEvents(env, change.snapshot() ? "read" : change.kind().name().toLowerCase(java.util.Locale.ROOT), 1);
        if (echo) {
            metrics.recordEcho(env);
        }
        Correlation corr = correlator.correlate(dao, change, source.profile(), now);
        if (corr.isConflict()) {
            dao.quarantine(env, "correlate", change.position(), change.localKey(), null, corr.conflict(), null, now);
            metrics.recordConflict(env);
            return;
        }
        long gid = corr.globalId();
        if (change.kind() == AccountChange.Kind.DELETE) {
            dao.markLinkDeleted(env, change.localKey(), now);
            dao.audit(gid, env, "deleted-in-source", null, "deletes are not propagated (deletes: ignore)",
                    change.commitTime(), now);
            return;
        }
        Map<String, CanonicalValue> canonical = dao.canonical(gid);
        MergeDecision decision = Merger.decide(change, echo, canonical, source.syncedFields());
        if (decision.isNoop() && !corr.newLink()) {
            return;
        }
        Map<String, CanonicalValue> after = new HashMap<>(canonical);
        for (Map.Entry<String, CanonicalValue> u : decision.updates().entrySet()) {
            dao.setCanonical(gid, u.getKey(), u.getValue(), now);
            after.put(u.getKey(), u.getValue());
        }
        if (!decision.updates().isEmpty()) {
            dao.audit(gid, env, echo ? "echo" : "change", String.join(",", decision.updates().keySet()),
                    "local " + change.localKey() + " at " + change.position(), change.commitTime(), now);
        } else if (corr.newLink()) {
            dao.audit(gid, env, "linked", null, "local " + change.localKey() + " (" + change.username() + ")",
                    change.commitTime(), now);
        }
        List<Patch> patches = Planner.plan(gid, change, decision, after, dao.links(gid), writableTargets());
        for (Patch p : patches) {
            dao.enqueue(p, change.commitTime(), now);
            touched.add(p.env());
        }
    }

    private List<Target> writableTargets() {
        return targets;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = store.connect();
        }
        return connection;
    }

    private void rollbackAndClose() {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // closing anyway
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing more to do
        }
        connection = null;
    }

    @Override
    public synchronized void close() {
        rollbackAndClose();
    }
}
