package io.accountsync.pipeline;

import io.accountsync.apply.ApplyException;
import io.accountsync.apply.PatchWriter;
import io.accountsync.connect.ErrorClass;
import io.accountsync.metrics.Metrics;
import io.accountsync.model.Patch;
import io.accountsync.state.OutboxEntry;
import io.accountsync.state.StateDao;
import io.accountsync.state.StateStore;
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
    private Thread thread;
    private Connection connection;

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
        while (running) {
            try {
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
                backoff = sleep(backoff);
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
     * Applies the whole outbox of this environment now, on the caller's thread (the bootstrap
     * command), retrying retriable failures with backoff for a while.
     *
     * @return patches applied
     */
    public long drain(int maxAttempts) throws ApplyException, SQLException, InterruptedException {
        MDC.put("env", env.name());
        long done = 0;
        Duration backoff = retryInitial;
        int attempts = 0;
        while (true) {
            List<OutboxEntry> batch = new StateDao(connection()).outbox(env.name(), batchSize);
            connection.commit();
            if (batch.isEmpty()) {
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
        try {
            write(batch, patches, rejected);
        } catch (ApplyException e) {
            if (e.errorClass() != ErrorClass.PERMANENT_VALUE) {
                throw e;
            }
            // One patch holds a value the target refuses: isolate it, keep the others.
            for (int i = 0; i < batch.size(); i++) {
                List<Rejected> r = new ArrayList<>();
                Patch p = admissible(batch.get(i), r);
                try {
                    write(List.of(batch.get(i)), List.of(p), r);
                } catch (ApplyException single) {
                    if (single.errorClass() != ErrorClass.PERMANENT_VALUE) {
                        throw single;
                    }
                    StateDao dao = new StateDao(connection());
                    Instant now = clock.instant();
                    dao.quarantine(env.name(), "apply", null, p.localKey(), p.globalId(), single.getMessage(),
                            "fields " + String.join(",", p.values().keySet()), now);
                    dao.dequeue(List.of(batch.get(i)));
                    connection.commit();
                    metrics.recordQuarantined(env.name());
                }
            }
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
        PatchWriter.WriteResult result;
        var gate = echoes.gate(env.name());
        gate.lock();
        try {
            result = writer.write(patches, txId -> echoes.register(env.name(), txId));
        } finally {
            gate.unlock();
        }
        Instant now = clock.instant();
        StateDao dao = new StateDao(connection());
        if (result.txId() != null) {
            dao.ownTransaction(env.name(), result.txId(), now);
        }
        for (Rejected r : rejected) {
            // One entry per refused value: a create that left it out is repaired after its echo,
            // and the repair is refused the same way.
            if (!dao.isQuarantined(env.name(), "apply", r.entry().patch().globalId(), "fields " + r.field())) {
                dao.quarantine(env.name(), "apply", null, r.entry().patch().localKey(), r.entry().patch().globalId(),
                        r.reason(), "fields " + r.field(), now);
                metrics.recordQuarantined(env.name());
            }
        }
        for (int i = 0; i < entries.size(); i++) {
            Patch p = patches.get(i);
            if (!p.values().isEmpty() || p.kind() == Patch.Kind.CREATE) {
                dao.audit(p.globalId(), env.name(), p.kind() == Patch.Kind.CREATE ? "create" : "write",
                        String.join(",", p.values().keySet()), p.reason(), entries.get(i).sourceTime(), now);
            }
        }
        dao.dequeue(entries);
        connection.commit();
        metrics.recordApplied(env.name(), result.statements(), result.rows());
        for (OutboxEntry e : entries) {
            if (e.sourceTime().isAfter(Instant.EPOCH)) {   // snapshot reads carry no commit time
                metrics.recordApplyLag(env.name(), Duration.between(e.sourceTime(), now));
            }
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
