package io.accountsync.state;

import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The account state the streaming pipeline last committed, kept in memory across captured batches:
 * the links (with their replay positions), canonical values and open-conflict fields of the most
 * recently used accounts. A batch whose accounts are all here reads nothing from the store — most of
 * all the echoes, which come back for the accounts just written.
 *
 * <p>Only the daemon's {@code ChangeProcessor} fills it, and only with what it committed; a failed
 * batch clears it. Every other writer of account state (the {@code conflicts} and {@code quarantine}
 * commands, a new bootstrap) calls {@link #changedElsewhere} in its transaction, which stores a new
 * epoch token; the cache compares the token at the start of each batch ({@link #validate}) and starts
 * empty again when it changed. Bounded: the least recently used accounts are dropped first.
 */
public final class StateCache {
    /** The store fact holding the epoch token. */
    static final String EPOCH_FACT = "state_epoch";

    /** One local account of an environment, as committed. */
    record CachedLink(long globalId, String username, Long lastSeen, Instant updatedAt) {
    }

    /** One canonical account, as committed: live links by environment, canonical values, held fields. */
    record CachedAccount(Map<String, StateDao.Link> links, Map<String, CanonicalValue> canonical, Set<String> held) {
    }

    private final int maxAccounts;
    private final LinkedHashMap<Long, CachedAccount> accounts;
    private final Map<String, Map<String, CachedLink>> links = new HashMap<>();
    private String epoch;
    private long hits;
    private long misses;

    /** @param maxAccounts accounts kept at most (0 disables the cache) */
    public StateCache(int maxAccounts) {
        this.maxAccounts = maxAccounts;
        this.accounts = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, CachedAccount> eldest) {
                if (size() <= StateCache.this.maxAccounts) {
                    return false;
                }
                forgetLinks(eldest.getValue());
                return true;
            }
        };
    }

    /**
     * Records, in the caller's transaction, that account state changed outside the streaming pipeline:
     * a running daemon's cache starts empty again at its next batch.
     */
    public static void changedElsewhere(StateDao dao, Instant now) throws SQLException {
        dao.setFact(EPOCH_FACT, UUID.randomUUID().toString(), now);
    }

    /** Empties the cache when another writer changed account state since it was filled. */
    public void validate(StateDao dao) throws SQLException {
        String now = dao.fact(EPOCH_FACT).orElse("");
        if (!now.equals(epoch)) {
            clear();
            epoch = now;
        }
    }

    public boolean enabled() {
        return maxAccounts > 0;
    }

    public void clear() {
        accounts.clear();
        links.clear();
        epoch = null;
    }

    public int size() {
        return accounts.size();
    }

    /** Lookups answered from memory, and lookups that went to the store, since start. */
    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }

    Optional<CachedLink> link(String env, String localKey) {
        Map<String, CachedLink> m = links.get(env);
        CachedLink l = m == null ? null : m.get(localKey);
        if (l == null) {
            misses++;
            return Optional.empty();
        }
        hits++;
        return Optional.of(l);
    }

    Optional<CachedAccount> account(long globalId) {
        return Optional.ofNullable(accounts.get(globalId));
    }

    /** Keeps what a committed batch holds of one account (the cache takes the maps over: the batch is done). */
    void putAccount(long globalId, CachedAccount account) {
        if (!enabled()) {
            return;
        }
        CachedAccount old = accounts.put(globalId, account);
        if (old != null) {
            // Links the account no longer has (moved or deleted) go; the batch puts back the ones it holds.
            for (StateDao.Link l : old.links().values()) {
                if (!account.links().containsKey(l.env()) || !account.links().get(l.env()).localKey().equals(l.localKey())) {
                    removeLink(l.env(), l.localKey());
                }
            }
        }
    }

    /**
     * Keeps a committed link, only as a live link of an account the cache holds (so that dropping the account
     * drops its links too).
     */
    void putLink(String env, String localKey, CachedLink link) {
        CachedAccount a = accounts.get(link.globalId());
        StateDao.Link live = a == null ? null : a.links().get(env);
        if (live != null && live.localKey().equals(localKey)) {
            links.computeIfAbsent(env, e -> new HashMap<>()).put(localKey, link);
        } else {
            removeLink(env, localKey);
        }
    }

    /** Drops one account and its links. */
    void forget(long globalId) {
        CachedAccount a = accounts.remove(globalId);
        if (a != null) {
            forgetLinks(a);
        }
    }

    void removeLink(String env, String localKey) {
        Map<String, CachedLink> m = links.get(env);
        if (m != null) {
            m.remove(localKey);
        }
    }

    private void forgetLinks(CachedAccount account) {
        for (StateDao.Link l : account.links().values()) {
            removeLink(l.env(), l.localKey());
        }
    }
}
