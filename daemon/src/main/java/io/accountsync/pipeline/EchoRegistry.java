package io.accountsync.pipeline;

import io.accountsync.capture.TransactionIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Transactions accountsync wrote itself, per environment, so their log entries are known as echoes.
 * Each environment has a gate: an apply worker holds it while a write's transaction id is not yet
 * registered; the merge takes it before judging a batch from that environment, so an echo can
 * never be judged before its transaction is known.
 */
public final class EchoRegistry {
    private final Map<String, Map<String, Instant>> own = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> gates = new ConcurrentHashMap<>();
    private final Clock clock;

    public EchoRegistry(Clock clock) {
        this.clock = clock;
    }

    public ReentrantLock gate(String env) {
        return gates.computeIfAbsent(env, e -> new ReentrantLock());
    }

    /** Waits until no write of {@code env} is between commit and registration. */
    public void awaitQuiet(String env) {
        ReentrantLock gate = gate(env);
        gate.lock();
        gate.unlock();
    }

    public void register(String env, String txId) {
        if (txId != null) {
            own.computeIfAbsent(env, e -> new ConcurrentHashMap<>()).put(txId, clock.instant());
        }
    }

    public void load(Map<String, List<String>> byEnv) {
        Instant now = clock.instant();
        byEnv.forEach((env, ids) -> ids.forEach(id -> own.computeIfAbsent(env, e -> new ConcurrentHashMap<>()).put(id, now)));
    }

    /** Whether {@code txId} (as captured from {@code env}) is a transaction accountsync wrote. */
    public boolean isOwn(String env, String txId) {
        if (txId == null) {
            return false;
        }
        if (TransactionIds.isTagged(txId)) {
            return true;   // its statements carried accountsync's tag (MariaDB)
        }
        Map<String, Instant> ids = own.get(env);
        return ids != null && ids.containsKey(txId);
    }

    public void prune(Duration keep) {
        Instant limit = clock.instant().minus(keep);
        own.values().forEach(m -> m.values().removeIf(t -> t.isBefore(limit)));
    }
}
