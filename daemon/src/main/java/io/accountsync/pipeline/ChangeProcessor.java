package io.accountsync.pipeline;

import io.accountsync.capture.CommitTimes;
import io.accountsync.capture.FullReader;
import io.accountsync.capture.SourcePositions;
import io.accountsync.correlate.Correlation;
import io.accountsync.correlate.Correlator;
import io.accountsync.merge.MergeDecision;
import io.accountsync.merge.MergePolicy;
import io.accountsync.merge.Merger;
import io.accountsync.metrics.Metrics;
import io.accountsync.model.AccountChange;
import io.accountsync.model.Patch;
import io.accountsync.model.RowChange;
import io.accountsync.plan.Planner;
import io.accountsync.plan.Target;
import io.accountsync.state.BatchState;
import io.accountsync.state.CanonicalValue;
import io.accountsync.state.StateDao;
import io.accountsync.state.StateStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Normalize, correlate, merge and plan for one captured batch, in one state-store transaction: when
 * {@link #process} returns, the batch's effects (canonical values, links, planned patches in the
 * outbox, conflicts, quarantine entries) are durable and its source offsets may be committed.
 *
 * <p>Each environment's stream is held at a gate until its bootstrap read is merged; changes the
 * read already contained are then skipped, as are changes delivered a second time after a restart.
 */
public final class ChangeProcessor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeProcessor.class);
    private static final long PROGRESS_EVERY_MS = 1000;

    private final StateStore store;
    private final Map<String, EnvironmentRuntime> envs;
    private final EchoRegistry echoes;
    private final Metrics metrics;
    private final Clock clock;
    private final Consumer<String> wakeApply;
    private final MergePolicy policy;
    private final Correlator correlator = new Correlator();
    private final List<Target> targets;
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<String, FullReader.ReadMark> readMarks = new ConcurrentHashMap<>();
    /**
     * Per environment being caught up by a full read (its gate still closed): the values accountsync's
     * patches waiting for it in the outbox write there, or expect to find there, by local account and
     * field. Its apply worker holds still until the gate opens, so these patches stay in the outbox, and
     * a value the read finds among them is accountsync's own, not an edit (see {@link Merger}).
     */
    private final Map<String, PendingWrites> pendingWrites = new HashMap<>();
    /** Per environment: captured events not yet counted in its env_state row, and when that row was last written. */
    private final Map<String, Progress> progress = new HashMap<>();
    private Connection connection;
    private volatile boolean closing;

    public ChangeProcessor(StateStore store, Map<String, EnvironmentRuntime> envs, EchoRegistry echoes, Metrics metrics,
                           Clock clock, MergePolicy policy, Consumer<String> wakeApply) {
        this.store = store;
        this.envs = envs;
        this.echoes = echoes;
        this.metrics = metrics;
        this.clock = clock;
        this.policy = policy;
        this.wakeApply = wakeApply;
        this.targets = envs.values().stream().map(EnvironmentRuntime::target).toList();
        envs.keySet().forEach(e -> gates.put(e, new CountDownLatch(1)));
    }

    /** Lets {@code env}'s stream through; changes committed before {@code mark} are skipped. */
    public void open(String env, FullReader.ReadMark mark) {
        if (mark != null) {
            readMarks.put(env, mark);
        }
        synchronized (this) {
            pendingWrites.remove(env);
        }
        gates.get(env).countDown();
    }

    public boolean isOpen(String env) {
        return gates.get(env).getCount() == 0;
    }

    /** Processes one captured batch from {@code env}; returns when its effects are durable. */
    public void process(String env, List<RowChange> rows) throws SQLException, InterruptedException {
        if (rows.isEmpty()) {
            return;
        }
        CountDownLatch gate = gates.get(env);
        while (!gate.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (closing) {
                // Not processed, so not marked: the batch comes again after the restart.
                throw new IllegalStateException("stopping before " + env + "'s bootstrap finished");
            }
        }
        EnvironmentRuntime source = envs.get(env);
        Instant arrival = clock.instant();
        echoes.awaitQuiet(env);
        FullReader.ReadMark mark = readMarks.get(env);
        List<RowChange> fresh = new ArrayList<>(rows.size());
        int alreadyRead = 0;
        for (RowChange captured : rows) {
            RowChange row = captured;
            if (captured.op() != RowChange.Op.READ) {
                if (FullReader.alreadyRead(mark, captured)) {
                    alreadyRead++;
                    continue;
                }
                Instant t = CommitTimes.estimate(source.config().dialect(), captured.commitTime(), arrival);
                if (!t.equals(captured.commitTime())) {
                    row = new RowChange(captured.env(), captured.table(), captured.op(), captured.before(),
                            captured.after(), t, captured.position(), captured.txId());
                }
            }
            fresh.add(row);
        }
        io.accountsync.profile.Profile.Normalized normalized = source.profile().normalizeBatch(fresh);
        List<AccountChange> changes = normalized.changes();
        List<String[]> bad = new ArrayList<>();
        normalized.bad().forEach(b -> bad.add(new String[] {b.position(), b.reason(), b.localKey()}));
        if (alreadyRead > 0) {
            LOG.debug("{} change(s) of {} were already in its bootstrap read", alreadyRead, env);
        }
        RowChange last = rows.get(rows.size() - 1);
        apply(env, changes, bad, last.position(), last.commitTime(), rows.size(), false);
    }

    /** Processes accounts read in full from {@code env} (a catch-up read), as snapshot changes. */
    public void processRead(String env, List<AccountChange> changes, List<String> bad) throws SQLException {
        List<String[]> b = new ArrayList<>();
        bad.forEach(r -> b.add(new String[] {"full read", r, null}));
        apply(env, changes, b, null, null, changes.size(), true);
    }

    private void apply(String env, List<AccountChange> changes, List<String[]> bad, String position, Instant commitTime,
                       int events, boolean fullRead) throws SQLException {
        EnvironmentRuntime source = envs.get(env);
        synchronized (this) {
            Instant now = clock.instant();
            Set<String> touched = new HashSet<>();
            try {
                Connection c = connection();
                StateDao dao = new StateDao(c);
                PendingWrites pending = fullRead ? pendingWrites(dao, env) : null;
                BatchState state = new BatchState(dao, env);
                Map<String, String> keys = new HashMap<>();
                for (AccountChange change : changes) {
                    String key = change.username() == null ? null : source.profile().correlationKey(change.username());
                    if (key != null || !keys.containsKey(change.localKey())) {
                        keys.put(change.localKey(), key);
                    }
                }
                state.prefetch(keys);
                for (String[] b : bad) {
                    state.quarantine("normalize", b[0], b[2], b[1], now);
                    metrics.recordQuarantined(env);
                    LOG.warn("quarantined a row: {}", b[1]);
                }
                for (AccountChange change : changes) {
                    handle(state, source, change, now, touched, pending == null ? Set.of() : pending.own(change));
                }
                boolean changed = state.changesState();
                state.flush(now);
                // A batch that changed nothing (echoes, rewrites of the same values) writes nothing either: its
                // position and event count go with the next write, at least once a second, and at close. The
                // position is shown by `status`; replays are recognised per account, not from it.
                Progress p = progress.computeIfAbsent(env, e -> new Progress());
                boolean writeProgress = position != null && (changed || now.toEpochMilli() - p.writtenAt >= PROGRESS_EVERY_MS);
                if (writeProgress) {
                    dao.envProgress(env, position, commitTime, (int) (p.events + events), now);
                }
                c.commit();
                if (writeProgress) {
                    p.written(now);
                } else if (position != null) {
                    p.pending(position, commitTime, events);
                }
                if (commitTime != null) {
                    metrics.recordCaptureLag(env, Duration.between(commitTime, clock.instant()));
                    metrics.recordLastEvent(env, clock.instant());
                }
            } catch (SQLException | RuntimeException e) {
                rollbackAndClose();
                throw e;
            }
            touched.forEach(wakeApply);
        }
    }

    /**
     * The patches waiting for {@code env}, brought up to date with what was planned since the last batch.
     * Entries only join the outbox meanwhile: its worker holds still, and this processor plans every
     * patch but an operator's, one transaction at a time, so none commits behind the last id read. An
     * operator's patch (`conflicts resolve`, `quarantine retry`) committed behind it during a catch-up is
     * missed: the value the read finds there is then judged as an edit, under the policy.
     */
    private PendingWrites pendingWrites(StateDao dao, String env) throws SQLException {
        PendingWrites p = pendingWrites.computeIfAbsent(env, e -> new PendingWrites());
        for (io.accountsync.state.OutboxEntry e : dao.outbox(env, p.lastId, Integer.MAX_VALUE)) {
            p.lastId = e.id();
            p.add(e.patch());
        }
        return p;
    }

    /** Per local account and field: the values waiting patches write, and the values they expect to replace. */
    private static final class PendingWrites {
        long lastId;
        final Map<String, Map<String, Set<String>>> values = new HashMap<>();

        /** Creates are left out: they expect no row, so a row the read finds there is not theirs. */
        void add(Patch w) {
            if (w.localKey() == null) {
                return;
            }
            Map<String, Set<String>> fields = values.computeIfAbsent(w.localKey(), k -> new HashMap<>());
            w.values().forEach((f, v) -> {
                Set<String> own = fields.computeIfAbsent(f, k -> new HashSet<>());
                own.add(v);
                if (w.expected().containsKey(f)) {
                    own.add(w.expected().get(f));
                }
            });
        }

        /** The fields {@code read} shows with a value a waiting patch writes or expects to replace. */
        Set<String> own(AccountChange read) {
            Map<String, Set<String>> fields = values.get(read.localKey());
            if (fields == null) {
                return Set.of();
            }
            Set<String> out = new HashSet<>();
            fields.forEach((f, own) -> {
                if (read.after().containsKey(f) && own.contains(read.after().get(f))) {
                    out.add(f);
                }
            });
            return out;
        }
    }

    private void handle(BatchState dao, EnvironmentRuntime source, AccountChange change, Instant now, Set<String> touched,
                        Set<String> ownValues) throws SQLException {
        String env = source.name();
        boolean echo = echoes.isOwn(env, change.txId());
        metrics.recordEvents(env, change.snapshot() ? "read" : change.kind().name().toLowerCase(java.util.Locale.ROOT), 1);
        if (echo) {
            metrics.recordEcho(env);
        }
        OptionalLong order = change.snapshot() ? OptionalLong.empty()
                : SourcePositions.order(source.config().dialect(), change.position());
        if (order.isPresent()) {
            Long lastSeen = dao.lastSeen(change.localKey());
            if (lastSeen != null && SourcePositions.isReplay(source.config().dialect(), order.getAsLong(), lastSeen)) {
                return;   // delivered again after a restart: its effects are already recorded
            }
        }
        Correlation corr = correlator.correlate(dao, change, source.profile(), now);
        if (corr.isConflict()) {
            String key = String.valueOf(source.profile().correlationKey(change.username()));
            if (source.profile().correlationKey(change.username()) == null || key.isBlank()) {
                // Not a person to correlate (nothing is left of the username): a bad row, not a conflict.
                dao.quarantine("correlate", change.position(), change.localKey(), "env " + env
                        + ", local account " + change.localKey() + ": username '" + change.username()
                        + "' is empty after normalization (" + source.profile().name() + " profile)", now);
                metrics.recordQuarantined(env);
                LOG.warn("quarantined local account {} of {}: its username is empty after normalization",
                        change.localKey(), env);
                return;
            }
            if (dao.hasOpenIdentityConflict(key)) {
                return;
            }
            dao.recordConflict(null, String.valueOf(source.profile().correlationKey(change.username())), "identity",
                    List.of("username"), Map.of(env + "#" + change.localKey(), mapOf("username", change.username())), now);
            dao.audit(null, "conflict", "username", corr.conflict(), change.commitTime(), now);
            metrics.recordConflict(env);
            return;
        }
        long gid = corr.globalId();
        if (order.isPresent() && !echo) {
            // Echoes (two of every three captured changes) leave last_seen alone: one delivered again after a
            // restart is recognised as an echo again (own transactions are remembered for a day), and the
            // change it might hide was recorded when it was processed.
            dao.setLastSeen(change.localKey(), order.getAsLong());
        }
        if (change.kind() == AccountChange.Kind.DELETE) {
            dao.markLinkDeleted(change.localKey(), now);
            dao.audit(gid, "deleted-in-source", null, "deletes are not propagated", change.commitTime(), now);
            return;
        }
        Set<String> held = dao.openConflictFields(gid);
        if (held.contains("*") || (policy.wholeRecord() && !held.isEmpty())) {
            dao.audit(gid, "held", String.join(",", change.after().keySet()),
                    "an open conflict holds this account back: resolve it with `accountsync conflicts resolve`",
                    change.commitTime(), now);
            return;
        }
        Map<String, CanonicalValue> canonical = dao.canonical(gid);
        MergeDecision decision = Merger.decide(change, echo, canonical, source.syncedFields(), policy, held,
                ownValues);
        if (!decision.conflicts().isEmpty()) {
            Map<String, Map<String, String>> candidates = new LinkedHashMap<>();
            for (String f : decision.conflicts()) {
                candidates.computeIfAbsent(env, k -> new LinkedHashMap<>()).put(f, change.after().get(f));
                CanonicalValue cv = canonical.get(f);
                candidates.computeIfAbsent(cv.sourceEnv(), k -> new LinkedHashMap<>()).put(f, cv.value());
            }
            dao.recordConflict(gid, dao.usernameKey(gid).orElse(change.username()), "concurrent", decision.conflicts(),
                    candidates, now);
            dao.audit(gid, "conflict", String.join(",", decision.conflicts()),
                    "concurrent edit in " + env + " (policy skip): left for an operator", change.commitTime(), now);
            metrics.recordConflict(env);
            if (policy.wholeRecord()) {
                return;
            }
        }
        if (decision.isNoop() && !corr.newLink()) {
            return;
        }
        Map<String, CanonicalValue> after = new HashMap<>(canonical);
        for (Map.Entry<String, CanonicalValue> u : decision.updates().entrySet()) {
            dao.setCanonical(gid, u.getKey(), u.getValue());
            after.put(u.getKey(), u.getValue());
        }
        if (!decision.updates().isEmpty()) {
            dao.audit(gid, echo ? "echo" : "change", String.join(",", decision.updates().keySet()),
                    "local " + change.localKey() + " at " + change.position(), change.commitTime(), now);
        } else if (corr.newLink()) {
            dao.audit(gid, "linked", null, "local " + change.localKey() + " (" + change.username() + ")",
                    change.commitTime(), now);
        }
        List<Patch> patches = Planner.plan(gid, change, decision, canonical, after, dao.links(gid), targets);
        for (Patch p : patches) {
            dao.enqueue(p, change.commitTime(), now);
            touched.add(p.env());
        }
    }

    /** An environment's capture progress not yet written to its env_state row. */
    private static final class Progress {
        long events;
        long writtenAt;
        String position;
        Instant commitTime;

        void pending(String position, Instant commitTime, int events) {
            this.position = position;
            this.commitTime = commitTime;
            this.events += events;
        }

        void written(Instant at) {
            events = 0;
            position = null;
            writtenAt = at.toEpochMilli();
        }
    }

    /** Writes the progress of batches that changed nothing, so that `status` of a stopped daemon is exact. */
    private void writePendingProgress() {
        if (progress.values().stream().allMatch(p -> p.position == null)) {
            return;
        }
        try {
            Connection c = connection();
            StateDao dao = new StateDao(c);
            Instant now = clock.instant();
            for (Map.Entry<String, Progress> e : progress.entrySet()) {
                if (e.getValue().position != null) {
                    dao.envProgress(e.getKey(), e.getValue().position, e.getValue().commitTime, (int) e.getValue().events, now);
                }
            }
            c.commit();
            progress.values().forEach(p -> p.written(now));
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not record the last capture positions for status: {}", e.getMessage());
        }
    }

    private static Map<String, String> mapOf(String k, String v) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(k, v);
        return m;
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

    /** Makes batches waiting at a gate give up (unprocessed), so capture can stop. */
    public void stopping() {
        closing = true;
    }

    @Override
    public synchronized void close() {
        closing = true;
        writePendingProgress();
        rollbackAndClose();
    }
}
