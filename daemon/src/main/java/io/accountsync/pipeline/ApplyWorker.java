package io.accountsync.pipeline;

import io.accountsync.apply.ApplyException;
import io.accountsync.apply.PatchWriter;
import io.accountsync.connect.ErrorClass;
import io.accountsync.metrics.Metrics;
import io.accountsync.model.Patch;
import io.accountsync.state.OutboxEntry;
import io.accountsync.state.StateDao;
import io.accountsync.state.StateStore;
import io.accountsync.state.StateStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Applies one environment's outbox in order, in batches, one target transaction per batch. A batch
 * leaves the outbox only after the target committed it; a retriable failure backs off and retries
 * the same batch; a value that can never be stored is isolated, quarantined, and the rest goes on.
 */
public final class ApplyWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ApplyWorker.class);

    private final EnvironmentRuntime env;
    private final PatchWriter writer;
    private final StateStore store;
    private final EchoRegistry echoes;
    private final Metrics metrics;
    private final Clock clock;
    private final int batchSize;
    private final Duration retryInitial;
    private final Duration retryMax;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running = true;
    private volatile boolean healthy = true;
    private volatile java.util.function.BooleanSupplier held = () -> false;
    private Thread thread;
    private Connection connection;
    /** Accounts whose row was locked by another transaction at the last attempt (see {@link #oneByOne}). */
    private final java.util.Set<Long> locked = new java.util.HashSet<>();

    public ApplyWorker(EnvironmentRuntime env, PatchWriter writer, StateStore store, EchoRegistry echoes, Metrics metrics,
                       Clock clock, int batchSize, Duration retryInitial, Duration retryMax) {
        this.env = env;
        this.writer = writer;
        this.store = store;
        this.echoes = echoes;
        this.metrics = metrics;
        this.clock = clock;
        this.batchSize = batchSize;
        this.retryInitial = retryInitial;
        this.retryMax = retryMax;
    }

    public void start() {
        thread = new Thread(this, "apply-" + env.name());
        thread.start();
    }

    /**
     * Writes nothing while {@code held} says so: while the environment's full catch-up read is merged, its
     * patches stay in the outbox, where the merge sees what they are about to write (see ChangeProcessor).
     */
    public void holdWhile(java.util.function.BooleanSupplier held) {
        this.held = held;
    }

    public void wake() {
        wake.release();
    }

    public boolean healthy() {
        return healthy;
    }

    @Override
    public void run() {
        MDC.put("env", env.name());
        Duration backoff = retryInitial;
        boolean announced = false;
        while (running) {
            try {
                if (held.getAsBoolean()) {
                    if (!announced) {
                        LOG.info("writes to {} wait until its catch-up read is merged", env.name());
                        announced = true;
                    }
                    wake.tryAcquire(200, TimeUnit.MILLISECONDS);
                    continue;
                }
                List<OutboxEntry> batch = new StateDao(connection()).outbox(env.name(), batchSize);
                connection.commit();
                if (batch.isEmpty()) {
                    wake.tryAcquire(1, TimeUnit.SECONDS);
                    wake.drainPermits();
                    continue;
                }
                applyBatch(batch);
                if (!healthy) {
                    LOG.info("writes to {} succeed again", env.name());
                }
                healthy = true;
                backoff = retryInitial;
            } catch (ApplyException e) {
                metrics.recordApplyError(env.name());
                if (healthy) {
                    LOG.warn("{}; retrying with backoff up to {}", e.getMessage(), retryMax);
                } else {
                    LOG.debug("{}", e.getMessage());
                }
                healthy = false;
                // A locked row: the target itself is fine and the lock timeout already paced this attempt,
                // so other accounts' patches are not made to wait for a growing backoff.
                backoff = e.rowBusy() ? sleep(retryInitial) : sleep(backoff);
            } catch (SQLException | RuntimeException e) {
                LOG.warn("state store error while applying to {}: {}", env.name(), e.getMessage());
                closeConnection();
                backoff = sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closeConnection();
        writer.close();
    }

    /**
     * Applies the whole outbox of this environment now, on the caller's thread (the bootstrap command),
     * retrying retriable failures with backoff for a while, while another thread may still plan patches: an
     * empty outbox is waited on (briefly) as long as {@code planning} says so, and the drain ends once it is
     * empty after planning ended.
     *
     * @return patches applied
     */
    public long drain(int maxAttempts, java.util.function.BooleanSupplier planning)
            throws ApplyException, SQLException, InterruptedException {
        MDC.put("env", env.name());
        long done = 0;
        Duration backoff = retryInitial;
        int attempts = 0;
        while (true) {
            boolean more = planning.getAsBoolean();   // read before the outbox: nothing planned after it is missed
            List<OutboxEntry> batch = new StateDao(connection()).outbox(env.name(), batchSize);
            connection.commit();
            if (batch.isEmpty()) {
                if (more) {
                    Thread.sleep(100);
                    continue;
                }
                closeConnection();
                writer.close();
                return done;
            }
            try {
                applyBatch(batch);
                done += batch.size();
                attempts = 0;
                backoff = retryInitial;
            } catch (ApplyException e) {
                metrics.recordApplyError(env.name());
                if (e.errorClass() != ErrorClass.RETRIABLE || ++attempts >= maxAttempts) {
                    closeConnection();
                    writer.close();
                    throw e;
                }
                LOG.warn("{}; retrying in {} ms", e.getMessage(), backoff.toMillis());
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(retryMax) > 0 ? retryMax : backoff.multipliedBy(2);
            }
        }
    }

    private Duration sleep(Duration backoff) {
        try {
            wake.tryAcquire(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(retryMax) > 0 ? retryMax : next;
    }

    private void applyBatch(List<OutboxEntry> batch) throws ApplyException, SQLException {
        List<Rejected> rejected = new ArrayList<>();
        List<Patch> patches = new ArrayList<>();
        for (OutboxEntry e : batch) {
            patches.add(admissible(e, rejected));
        }
        if (!rejected.isEmpty() && writer.refreshLimits()) {
            // A column may have been widened since the limits were read (an operator fixing the
            // cause before `accountsync quarantine retry`): judge again by the catalog as it is now.
            rejected.clear();
            patches.clear();
            for (OutboxEntry e : batch) {
                patches.add(admissible(e, rejected));
            }
        }
        boolean waitsOnLock = batch.stream().anyMatch(e -> locked.contains(e.patch().globalId()));
        if (!waitsOnLock) {
            try {
                write(batch, patches, rejected);
                return;
            } catch (ApplyException e) {
                if (e.errorClass() != ErrorClass.PERMANENT_VALUE && !(e.rowBusy() && batch.size() > 1)) {
                    throw e;
                }
            }
        }
        oneByOne(batch);
    }

    /**
     * Applies a batch patch by patch: a value the target refuses is quarantined and the rest goes on; an account
     * whose row another transaction has locked is held back (its later patches too, to keep its order) while the
     * other accounts are written. Accounts found locked last time go last, so the others do not wait behind a lock
     * timeout; the locked ones are retried with backoff.
     */
    private void oneByOne(List<OutboxEntry> batch) throws ApplyException, SQLException {
        List<OutboxEntry> ordered = new ArrayList<>(batch.size());
        batch.stream().filter(e -> !locked.contains(e.patch().globalId())).forEach(ordered::add);
        batch.stream().filter(e -> locked.contains(e.patch().globalId())).forEach(ordered::add);
        ApplyException busy = null;
        java.util.Set<Long> held = new java.util.HashSet<>();
        for (OutboxEntry entry : ordered) {
            if (held.contains(entry.patch().globalId())) {
                continue;
            }
            List<Rejected> r = new ArrayList<>();
            Patch p = admissible(entry, r);
            try {
                write(List.of(entry), List.of(p), r);
            } catch (ApplyException single) {
                if (single.rowBusy()) {
                    held.add(p.globalId());
                    busy = single;
                    continue;
                }
                if (single.errorClass() != ErrorClass.PERMANENT_VALUE) {
                    throw single;
                }
                StateDao dao = new StateDao(connection());
                Instant now = clock.instant();
                dao.quarantine(env.name(), "apply", null, p.localKey(), p.globalId(), single.getMessage(),
                        "fields " + String.join(",", p.values().keySet()), now);
                dao.dequeue(List.of(entry));
                connection.commit();
                metrics.recordQuarantined(env.name());
            }
        }
        locked.clear();
        locked.addAll(held);
        if (busy != null) {
            LOG.info("{}: {} account(s) wait for a row lock held by another transaction; the other patches were written",
                    env.name(), held.size());
            throw busy;
        }
    }

    private record Rejected(OutboxEntry entry, String field, String reason) {
    }

    /** The patch without the values the target cannot store; those are noted for quarantine. */
    private Patch admissible(OutboxEntry e, List<Rejected> rejected) {
        Patch p = e.patch();
        Map<String, String> keep = new LinkedHashMap<>();
        for (Map.Entry<String, String> v : p.values().entrySet()) {
            Optional<String> why = env.profile().rejects(v.getKey(), v.getValue(), writer.limits());
            if (why.isEmpty() && v.getValue() != null && v.getValue().indexOf('\0') >= 0
                    && env.config().dialect() == io.accountsync.model.Dialect.POSTGRESQL) {
                // PostgreSQL text cannot hold NUL (MariaDB can): refused here, only this value is set
                // aside; the database would refuse the whole patch, a create included.
                why = Optional.of(v.getKey() + ": PostgreSQL text cannot hold the NUL character (0x00)");
            }
            if (why.isPresent()) {
                rejected.add(new Rejected(e, v.getKey(), why.get()));
            } else {
                keep.put(v.getKey(), v.getValue());
            }
        }
        if (!keep.containsKey(io.accountsync.model.Fields.EMAIL) && p.values().containsKey(io.accountsync.model.Fields.EMAIL)) {
            // The verification travels with the address: without the address it would describe the old one.
            keep.remove(io.accountsync.model.Fields.EMAIL_VERIFIED);
        }
        return keep.size() == p.values().size() ? p : p.withValues(keep);
    }

    private void write(List<OutboxEntry> entries, List<Patch> patches, List<Rejected> rejected)
            throws ApplyException, SQLException {
        // The echo gate covers only the commit window (see PatchWriter): a write waiting on a locked row in
        // the target does not hold back the capture of that environment.
        PatchWriter.WriteResult result = writer.write(patches, this::ownTransaction, echoes.gate(env.name()));
        Instant now = clock.instant();
        StateDao dao = new StateDao(connection());
        for (Rejected r : rejected) {
            // One entry per refused value: a create that left it out is repaired after its echo,
            // and the repair is refused the same way.
            if (!dao.isQuarantined(env.name(), "apply", r.entry().patch().globalId(), "fields " + r.field())) {
                dao.quarantine(env.name(), "apply", null, r.entry().patch().localKey(), r.entry().patch().globalId(),
                        r.reason(), "fields " + r.field(), now);
                metrics.recordQuarantined(env.name());
            }
        }
        List<Object[]> audit = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Patch p = patches.get(i);
            if (!p.values().isEmpty() || p.kind() == Patch.Kind.CREATE) {
                audit.add(StateDao.auditRow(p.globalId(), env.name(), p.kind() == Patch.Kind.CREATE ? "create" : "write",
                        String.join(",", p.values().keySet()), p.reason(), entries.get(i).sourceTime(), now));
            }
        }
        dao.audit(audit);
        dao.dequeue(entries);
        connection.commit();
        metrics.recordApplied(env.name(), result.statements(), result.rows());
        for (OutboxEntry e : entries) {
            if (e.sourceTime().isAfter(Instant.EPOCH)) {   // snapshot reads carry no commit time
                metrics.recordApplyLag(env.name(), Duration.between(e.sourceTime(), now));
            }
        }
    }

    /**
     * Records a transaction of ours, in memory and durably, before the caller goes on: PostgreSQL calls this before
     * the target's COMMIT, so an echo captured after a crash right after that commit is still known as one (else it
     * would look like an edit made in the target, and could even overwrite a newer value under policy newer).
     * MariaDB calls it right after COMMIT; there the statements' tag covers the moment in between (TransactionIds).
     */
    private void ownTransaction(String txId) {
        echoes.register(env.name(), txId);
        try {
            new StateDao(connection()).ownTransaction(env.name(), txId, clock.instant());
            connection.commit();
        } catch (SQLException e) {
            throw new StateStoreException("cannot record own transaction " + txId + " of " + env.name(), e);
        }
    }

    private Connection connection() {
        if (connection == null) {
            connection = store.connect();
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // reconnect next time
            }
            connection = null;
        }
    }

    public void stop() {
        running = false;
        wake.release();
    }

    public void join(Duration timeout) throws InterruptedException {
        if (thread != null) {
            thread.join(timeout.toMillis());
        }
    }
}
