package io.accountsync.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.accountsync.capture.FullReader;
import io.accountsync.merge.BootstrapMerger;
import io.accountsync.merge.MergePolicy;
import io.accountsync.model.AccountChange;
import io.accountsync.model.Patch;
import io.accountsync.plan.Planner;
import io.accountsync.plan.Target;
import io.accountsync.state.BulkLoad;
import io.accountsync.state.CanonicalValue;
import io.accountsync.state.CanonicalValues;
import io.accountsync.state.StateDao;
import io.accountsync.state.StateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initial full sync: read every readable environment in full (streamed into staging files,
 * never all in memory, see {@link StagingFiles}), group the local accounts by correlation key, merge each
 * person under the policy, and record canonical values, links, conflicts and the planned patches
 * (the outbox, which apply workers then write or render). Each environment's read is marked with the
 * database's clock so that streaming can start exactly where the read was taken.
 */
public final class Bootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
    private static final int BATCH = 1000;
    /** Environments read at once. */
    static final int READERS = 4;
    /**
     * People per state-store commit while merging. Small commits load faster here: with H2's load cache of
     * 1 MB (see {@link StateStore#shrinkCache}) the 1,000,000 × 3 bench took 79.7 s at 1,000, 81.3 s at
     * 2,000 and 88.3 s at 10,000 (runs taken in turn; 500 was no faster than 1,000).
     */
    public static final int COMMIT_EVERY = 1_000;
    /** The merge phase's inserts of accounts and links (the bench's state-store floor loads them the same way). */
    public static final String ACCOUNT_INSERT = "insert into account (global_id, username_key, created_at, canonical) "
            + "values (?, ?, ?, ?)";
    public static final String LINK_INSERT = "insert into account_link (env, local_key, global_id, username, deleted, "
            + "updated_at) values (?, ?, ?, ?, false, ?)";
    public static final String DONE_FACT = "bootstrap";

    private final StateStore store;
    private final Map<String, EnvironmentRuntime> envs;
    private final MergePolicy policy;
    private final Clock clock;
    private final BootstrapProgress progress;
    private final List<Target> targets;
    private final Map<String, Set<String>> envFields = new HashMap<>();
    private final java.nio.file.Path scratch;

    /** @param scratch a directory for the staging files (beside the state store; created when missing) */
    public Bootstrap(StateStore store, Map<String, EnvironmentRuntime> envs, MergePolicy policy, Clock clock,
                     BootstrapProgress progress, java.nio.file.Path scratch) {
        this.scratch = scratch;
        this.store = store;
        this.envs = envs;
        this.policy = policy;
        this.clock = clock;
        this.progress = progress;
        this.targets = envs.values().stream().map(EnvironmentRuntime::target).toList();
        envs.values().forEach(e -> envFields.put(e.name(), e.syncedFields()));
    }

    /** The result: the summary, and where each environment's read was taken. */
    public record Result(BootstrapSummary summary, Map<String, FullReader.ReadMark> marks) {
    }

    /** Whether the store has a completed bootstrap. */
    public static boolean isDone(StateStore store) throws SQLException {
        try (Connection c = store.connect()) {
            boolean done = new StateDao(c).fact(DONE_FACT).isPresent();
            c.commit();
            return done;
        }
    }

    public Result run() throws Exception {
        return run(() -> { });
    }

    /**
     * @param wiped called once the store is wiped, before anything is read: from then on the outbox holds only
     *              this bootstrap's patches, committed person by person (writers may start draining it)
     */
    public Result run(Runnable wiped) throws Exception {
        BootstrapSummary summary = new BootstrapSummary();
        Map<String, FullReader.ReadMark> marks = new LinkedHashMap<>();
        try (Connection c = store.connect()) {
            new StateDao(c).wipe();
            c.commit();
            BulkLoad.prepare(c);
            OptionalInt cache = store.shrinkCache(c);
            try {
                wiped.run();
                try (StagingFiles staging = new StagingFiles(scratch)) {
                    envs.values().forEach(env -> summary.env(env.name()));   // in configuration order, before any reader
                    marks.putAll(readAll(summary, staging));
                    merge(summary, staging);
                }
            } finally {
                try {
                    store.restoreCache(c, cache);
                } catch (SQLException e) {   // never in place of the bootstrap's own failure; the next open sets it anyway
                    LOG.warn("could not give the state store's page cache its size back: {}", e.getMessage());
                }
            }
        }
        LOG.info("bootstrap merged {} accounts; {} conflict(s) open", summary.accounts, summary.openConflicts);
        return new Result(summary, marks);
    }

    /**
     * Reads every readable environment into the staging files, all at once (one thread each, at most
     * {@link #READERS}). One read at a time left about a third of the bench's 2 cores idle (JFR's CPU load);
     * at once, the three reads of 1,000,000 accounts take 7.3 s instead of 9.1 s. The first failure stops
     * the others.
     */
    private Map<String, FullReader.ReadMark> readAll(BootstrapSummary summary, StagingFiles staging) throws Exception {
        List<EnvironmentRuntime> readable = envs.values().stream().filter(e -> e.config().reads()).toList();
        Map<String, FullReader.ReadMark> marks = new LinkedHashMap<>();
        if (readable.isEmpty()) {
            return marks;
        }
        long started = System.nanoTime();
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.min(READERS, readable.size()), r -> {
                    Thread t = new Thread(r, "bootstrap-read-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        try {
            ExecutorCompletionService<FullReader.ReadMark> done =
                    new ExecutorCompletionService<>(pool);
            Map<Future<FullReader.ReadMark>, String> reads = new HashMap<>();
            for (EnvironmentRuntime env : readable) {
                BootstrapSummary.Counts counts = summary.env(env.name());   // here: the readers only update their own
                reads.put(done.submit(() -> stage(env, counts, staging)), env.name());
            }
            Map<String, FullReader.ReadMark> byEnv = new HashMap<>();
            for (int i = 0; i < readable.size(); i++) {
                Future<FullReader.ReadMark> f = done.take();
                try {
                    byEnv.put(reads.get(f), f.get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof SQLException sql) {   // the reads run at once: say whose it is
                        throw new SQLException("environment " + reads.get(f) + ": the full read failed: " + sql.getMessage(),
                                sql.getSQLState(), sql);
                    }
                    if (cause instanceof Exception ex) {
                        throw ex;
                    }
                    throw (Error) cause;
                }
            }
            readable.forEach(e -> marks.put(e.name(), byEnv.get(e.name())));
            LOG.info("read {} environment(s) in full in {} s: {} local accounts staged", readable.size(),
                    String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9), staging.rows());
            return marks;
        } finally {
            pool.shutdownNow();   // after a failure: the other reads stop at their next row (interrupted)
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("a bootstrap read did not stop within 30 s of another one's failure");
            }
        }
    }

    private FullReader.ReadMark stage(EnvironmentRuntime env, BootstrapSummary.Counts counts, StagingFiles staging)
            throws Exception {
        progress.reading(env.name());
        Instant now = clock.instant();
        try (Connection c = store.connect(); StagingFiles.Writer staged = staging.writer()) {
            StateDao dao = new StateDao(c);
            FullReader.ReadMark mark = FullReader.read(env.name(), env.config().connection(), env.profile(),
                    new io.accountsync.profile.Profile.ReadSink() {
                        @Override
                        public void account(AccountChange a) throws Exception {
                            String key = env.profile().correlationKey(a.username());
                            if (key == null || key.isBlank()) {
                                // Not a person to correlate: a bad row, not an identity conflict.
                                dao.quarantine(env.name(), "correlate", "full read", a.localKey(), null, "env " + env.name()
                                        + ", local account " + a.localKey() + ": username '" + a.username()
                                        + "' is empty after normalization (" + env.profile().name() + " profile)", null, now);
                                counts.read++;
                                counts.quarantined++;
                                return;
                            }
                            Instant activity = a.commitTime();
                            if (activity.isBefore(Instant.EPOCH) || activity.isAfter(now.plus(java.time.Duration.ofDays(1)))) {
                                // A last activity in the future (or before 1970) would win every `newer` decision.
                                LOG.warn("env {}, local account {} ({}): last activity {} is not plausible (before 1970 or "
                                        + "in the future): read as unknown", env.name(), a.localKey(), a.username(), activity);
                                activity = Instant.EPOCH;
                            }
                            staged.add(key, new BootstrapMerger.Local(env.name(), a.localKey(), a.username(), a.after(),
                                    activity.equals(Instant.EPOCH) ? null : activity));
                            if (Thread.interrupted()) {
                                throw new InterruptedException("the bootstrap stopped reading " + env.name());
                            }
                            if (++counts.read % BATCH == 0) {
                                progress.read(env.name(), counts.read);
                            }
                        }

                        @Override
                        public void bad(String reason) throws Exception {
                            bad(reason, null);
                        }

                        @Override
                        public void note(String message) {
                            LOG.warn("{}", message);
                        }

                        @Override
                        public void bad(String reason, String localKey) throws Exception {
                            dao.quarantine(env.name(), "normalize", "full read", localKey, null, reason, null, now);
                            counts.read++;
                            counts.quarantined++;
                        }
                    });
            c.commit();
            progress.readDone(env.name(), counts.read);
            LOG.info("read {} accounts of {} ({} quarantined)", counts.read, env.name(), counts.quarantined);
            return mark;
        }
    }

    private void merge(BootstrapSummary summary, StagingFiles staging) throws Exception {
        Instant now = clock.instant();
        progress.merging(staging.rows());
        try (Connection writer = store.connect()) {
            Writer w = new Writer(writer, now);
            staging.forEachPerson(p -> person(p.key(), p.locals(), w, summary));
            w.flush();
            progress.merged(summary.accounts, staging.rows());
            long linked = summary.linked();
            progress.indexing(linked);
            long started = System.nanoTime();
            BulkLoad.build(writer);
            LOG.info("built the state store's keys and indexes over {} accounts and {} local accounts in {} s",
                    summary.accounts, linked, String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
            try (Statement st = writer.createStatement()) {
                st.executeUpdate("alter table account alter column global_id restart with " + (w.nextId + 1));
            }
            new StateDao(writer).setFact(DONE_FACT, now.toString(), now);
            writer.commit();
        }
    }

    private void person(String key, List<BootstrapMerger.Local> locals, Writer w, BootstrapSummary summary)
            throws SQLException, JsonProcessingException {
        BootstrapMerger.Outcome o = BootstrapMerger.decide(locals, policy, envFields);
        long gid = ++w.nextId;
        w.locals += locals.size();
        if (++summary.accounts % BATCH == 0) {
            progress.merged(summary.accounts, w.locals);
        }
        w.account(gid, key, o.canonical());
        Map<String, StateDao.Link> links = new LinkedHashMap<>();
        Map<String, Map<String, String>> current = new HashMap<>();
        Set<String> duplicated = new LinkedHashSet<>();
        if (o.identity() != null) {
            Map<String, Integer> per = new HashMap<>();
            locals.forEach(l -> per.merge(l.env(), 1, Integer::sum));
            per.forEach((e, n) -> {
                if (n > 1) {
                    duplicated.add(e);
                }
            });
        }
        for (BootstrapMerger.Local l : locals) {
            if (duplicated.contains(l.env())) {
                summary.env(l.env()).conflicted++;
                continue;
            }
            w.link(l.env(), l.localKey(), gid, l.username());
            links.put(l.env(), new StateDao.Link(gid, l.env(), l.localKey(), l.username()));
            current.put(l.env(), l.values());
            summary.env(l.env()).linked++;
        }
        if (o.identity() != null) {
            w.conflict(gid, key, "identity", List.of("username"), o.candidates(), true, null);
            summary.openConflicts++;
            w.audit(gid, String.join(",", duplicated), "conflict", "username", o.identity());
            return;
        }
        if (!o.conflicted().isEmpty()) {
            w.conflict(gid, key, "bootstrap", o.conflicted(), o.candidates(), true, null);
            summary.openConflicts++;
            w.audit(gid, String.join(",", o.candidates().keySet()), "conflict", String.join(",", o.conflicted()),
                    "environments disagree (policy skip): left for an operator");
        }
        if (!o.decided().isEmpty()) {
            Map<String, Map<String, String>> cand = o.candidates();
            Set<String> fields = new LinkedHashSet<>();
            o.decided().forEach(d -> fields.add(d.substring(0, d.indexOf(':'))));
            w.conflict(gid, key, "bootstrap", fields, cand, false, String.join("; ", o.decided()));
            summary.decidedConflicts++;
        }
        if (o.heldAccount()) {
            links.keySet().forEach(e -> summary.env(e).conflicted++);
            return;
        }
        if (!o.conflicted().isEmpty()) {
            links.keySet().forEach(e -> summary.env(e).conflicted++);
        }
        String username = locals.get(0).username();
        String why = "bootstrap (policy " + policy.describe() + ")";
        List<Patch> patches = Planner.planAll(gid, username, o.canonical(), o.held(), links, current, targets, why);
        Set<String> written = new LinkedHashSet<>();
        for (Patch p : patches) {
            w.outbox(p);
            written.add(p.env());
            if (p.kind() == Patch.Kind.CREATE) {
                summary.env(p.env()).created++;
            } else {
                summary.env(p.env()).updated++;
            }
        }
        for (String e : links.keySet()) {
            if (!written.contains(e)) {
                summary.env(e).unchanged++;
            }
        }
        w.audit(gid, String.join(",", links.keySet()), "bootstrap", String.join(",", o.canonical().keySet()),
                "linked " + links.size() + " local account(s)" + (o.decided().isEmpty() ? "" : "; " + String.join("; ", o.decided()))
                        + (patches.isEmpty() ? "" : "; planned " + patches.size() + " write(s)"));
        w.maybeFlush();
    }

    /** Batched inserts for the merge phase; commits every {@link #COMMIT_EVERY} accounts. */
    private static final class Writer {
        private final Connection c;
        private final Instant now;
        private final PreparedStatement account;
        private final PreparedStatement link;
        private final List<Object[]> outbox = new ArrayList<>();
        private final List<Object[]> audit = new ArrayList<>();
        private final List<Object[]> conflicts = new ArrayList<>();
        private final StateDao dao;
        long nextId;
        /** Local accounts merged so far. */
        long locals;
        private int pending;

        Writer(Connection c, Instant now) throws SQLException {
            this.c = c;
            this.now = now;
            this.dao = new StateDao(c);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select coalesce(max(global_id), 0) from account")) {
                rs.next();
                nextId = rs.getLong(1);
            }
            account = c.prepareStatement(ACCOUNT_INSERT);
            link = c.prepareStatement(LINK_INSERT);
        }

        void account(long gid, String key, Map<String, CanonicalValue> values) throws SQLException {
            account.setLong(1, gid);
            account.setString(2, key);
            account.setTimestamp(3, Timestamp.from(now));
            account.setString(4, CanonicalValues.encode(values));
            account.addBatch();
        }

        void link(String env, String localKey, long gid, String username) throws SQLException {
            link.setString(1, env);
            link.setString(2, localKey);
            link.setLong(3, gid);
            link.setString(4, username);
            link.setTimestamp(5, Timestamp.from(now));
            link.addBatch();
        }

        void outbox(Patch p) {
            outbox.add(StateDao.outboxRow(p, Instant.EPOCH, now));   // snapshot reads carry no commit time
        }

        void audit(long gid, String env, String action, String fields, String detail) {
            audit.add(StateDao.auditRow(gid, env, action, fields, detail, null, now));
        }

        void conflict(long gid, String key, String kind, java.util.Collection<String> fields,
                      Map<String, Map<String, String>> candidates, boolean open, String resolution) {
            conflicts.add(StateDao.conflictRow(gid, key, kind, fields, candidates, open, resolution, now));
        }

        void maybeFlush() throws SQLException {
            if (++pending >= COMMIT_EVERY) {
                flush();
            }
        }

        void flush() throws SQLException {
            account.executeBatch();
            link.executeBatch();
            dao.drain(StateDao.CONFLICT_INSERT, conflicts);
            dao.drain(StateDao.OUTBOX_INSERT, outbox);
            dao.drain(StateDao.AUDIT_INSERT, audit);
            c.commit();
            pending = 0;
        }
    }
}
