package io.accountsync.state;

import io.accountsync.model.Patch;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state one captured batch of one environment reads and writes, as a unit of work: what the batch
 * needs is read up front with a few set-wise queries ({@link #prefetch}), the batch is merged against
 * this in-memory view, and its writes are sent at {@link #flush} as JDBC batches — a handful of round
 * trips per batch instead of about ten statements per change. The view lives for one batch only (one
 * state-store transaction), so writers outside the batch (the CLI, the apply workers) are never
 * shadowed by a stale copy.
 *
 * <p>Rare operations (a new canonical account, a conflict) go to the store at once; everything the
 * view holds is written back at {@link #flush}, each row once in its final state.
 */
public final class BatchState {
    private final StateDao dao;
    private final String env;
    /** A write went to the store at once (a new account, a conflict). */
    private boolean wroteDirectly;

    private final Map<String, LinkRow> links = new HashMap<>();              // this env's links by local key
    private final Map<Long, Map<String, StateDao.Link>> linksByAccount = new HashMap<>();
    private final Map<String, Long> accountsByKey = new HashMap<>();
    private final Set<String> absentKeys = new HashSet<>();
    private final Map<Long, Map<String, CanonicalValue>> canonical = new HashMap<>();
    /** The canonical column of each account read or created, as the store held it (null: no values). */
    private final Map<Long, String> canonicalStored = new HashMap<>();
    private final Map<Long, Set<String>> openFields = new HashMap<>();
    private final Map<Long, Map<String, CanonicalValue>> dirtyCanonical = new LinkedHashMap<>();
    private final Set<String> dirtyLinks = new LinkedHashSet<>();
    private final List<Object[]> outbox = new ArrayList<>();
    private final List<Object[]> audit = new ArrayList<>();
    private final List<Object[]> quarantine = new ArrayList<>();

    /** One local account of this environment as the store holds it (mutable until {@link #flush}). */
    private static final class LinkRow {
        long globalId;
        String username;
        boolean deleted;
        Long lastSeen;
        Instant updatedAt;
        boolean stored;

        LinkRow(long globalId, String username, boolean deleted, Long lastSeen, boolean stored) {
            this.globalId = globalId;
            this.username = username;
            this.deleted = deleted;
            this.lastSeen = lastSeen;
            this.stored = stored;
        }
    }

    public BatchState(StateDao dao, String env) {
        this.dao = dao;
        this.env = env;
    }

    public StateDao dao() {
        return dao;
    }

    /**
     * Reads what a batch of this environment's local accounts needs: their links, the accounts their
     * correlation keys name, and of those accounts every link, canonical value and open conflict.
     */
    public void prefetch(Map<String, String> usernameKeyByLocalKey) throws SQLException {
        Collection<String> localKeys = usernameKeyByLocalKey.keySet();
        Set<Long> accounts = new HashSet<>();
        if (!localKeys.isEmpty()) {
            try (PreparedStatement ps = dao.connection().prepareStatement(
                    // Joins with unnest(?), not "= any(?)": H2 scans for the latter (measured), but looks up
                    // each element of the former in the index.
                    "select l.local_key, l.global_id, l.username, l.deleted, l.last_seen, l.updated_at "
                            + "from unnest(?) as k(local_key) join account_link l on l.env = ? and l.local_key = k.local_key")) {
                ps.setArray(1, array("VARCHAR", localKeys.toArray()));
                ps.setString(2, env);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long ls = rs.getLong(5);
                        Long lastSeen = rs.wasNull() ? null : ls;
                        LinkRow r = new LinkRow(rs.getLong(2), rs.getString(3), rs.getBoolean(4), lastSeen, true);
                        r.updatedAt = rs.getTimestamp(6).toInstant();
                        links.put(rs.getString(1), r);
                        accounts.add(rs.getLong(2));
                    }
                }
            }
            for (String k : localKeys) {
                links.putIfAbsent(k, null);   // known to be unlinked: no query per key later
            }
        }
        Set<String> keys = new HashSet<>();
        usernameKeyByLocalKey.forEach((local, key) -> {
            if (key != null && links.get(local) == null) {   // only unlinked accounts are correlated by name
                keys.add(key);
            }
        });
        if (!keys.isEmpty()) {
            try (PreparedStatement ps = dao.connection().prepareStatement(
                    "select a.username_key, a.global_id from unnest(?) as k(username_key) "
                            + "join account a on a.username_key = k.username_key")) {
                ps.setArray(1, array("VARCHAR", keys.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        accountsByKey.put(rs.getString(1), rs.getLong(2));
                        accounts.add(rs.getLong(2));
                    }
                }
            }
            keys.removeAll(accountsByKey.keySet());
            absentKeys.addAll(keys);
        }
        if (accounts.isEmpty()) {
            return;
        }
        Array ids = array("BIGINT", accounts.toArray());
        for (long g : accounts) {
            linksByAccount.put(g, new HashMap<>());
            openFields.put(g, new LinkedHashSet<>());
        }
        try (PreparedStatement ps = dao.connection().prepareStatement(
                "select l.global_id, l.env, l.local_key, l.username from unnest(?) as k(global_id) "
                        + "join account_link l on l.global_id = k.global_id where l.deleted = false")) {
            ps.setArray(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long g = rs.getLong(1);
                    linksByAccount.get(g).put(rs.getString(2), new StateDao.Link(g, rs.getString(2), rs.getString(3),
                            rs.getString(4)));
                }
            }
        }
        try (PreparedStatement ps = dao.connection().prepareStatement(
                "select a.global_id, a.canonical from unnest(?) as k(global_id) join account a on a.global_id = k.global_id")) {
            ps.setArray(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored(rs.getLong(1), rs.getString(2));
                }
            }
        }
        try (PreparedStatement ps = dao.connection().prepareStatement(
                "select c.global_id, c.kind, c.fields from unnest(?) as k(global_id) "
                        + "join conflict c on c.status = 'open' and c.global_id = k.global_id")) {
            ps.setArray(1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    addHeld(openFields.get(rs.getLong(1)), rs.getString(2), List.of(rs.getString(3).split(",")));
                }
            }
        }
    }

    private static void addHeld(Set<String> held, String kind, Collection<String> fields) {
        if (kind.equals("identity")) {
            held.add("*");
        }
        for (String f : fields) {
            if (!f.isBlank()) {
                held.add(f);
            }
        }
    }

    private Array array(String type, Object[] values) throws SQLException {
        return dao.connection().createArrayOf(type, values);
    }

    // ---- reads (from the view; fall back to the store for what was not prefetched) ---------------

    public Optional<StateDao.Link> link(String localKey) throws SQLException {
        LinkRow r = row(localKey);
        return r == null ? Optional.empty() : Optional.of(new StateDao.Link(r.globalId, env, localKey, r.username));
    }

    public Long lastSeen(String localKey) throws SQLException {
        LinkRow r = row(localKey);
        return r == null ? null : r.lastSeen;
    }

    private LinkRow row(String localKey) throws SQLException {
        LinkRow r = links.get(localKey);
        if (r == null && !links.containsKey(localKey)) {
            Optional<StateDao.Link> l = dao.link(env, localKey);
            r = l.isEmpty() ? null : new LinkRow(l.get().globalId(), l.get().username(), false,
                    dao.lastSeen(env, localKey), true);
            if (r != null) {
                r.updatedAt = Instant.now();
            }
            links.put(localKey, r);
        }
        return r;
    }

    public Optional<Long> accountByKey(String usernameKey) throws SQLException {
        Long g = accountsByKey.get(usernameKey);
        if (g == null && !absentKeys.contains(usernameKey)) {
            Optional<Long> found = dao.accountByKey(usernameKey);
            found.ifPresentOrElse(v -> accountsByKey.put(usernameKey, v), () -> absentKeys.add(usernameKey));
            return found;
        }
        return Optional.ofNullable(g);
    }

    /** Every live link of one canonical account, by environment. */
    public Map<String, StateDao.Link> links(long globalId) throws SQLException {
        Map<String, StateDao.Link> m = linksByAccount.get(globalId);
        if (m == null) {
            m = new HashMap<>(dao.links(globalId));
            linksByAccount.put(globalId, m);
        }
        return m;
    }

    /** The account's canonical values as they stand now (a copy: later writes do not change it). */
    public Map<String, CanonicalValue> canonical(long globalId) throws SQLException {
        loadAccount(globalId);
        return new HashMap<>(canonical.get(globalId));
    }

    public Set<String> openConflictFields(long globalId) throws SQLException {
        Set<String> s = openFields.get(globalId);
        if (s == null) {
            s = new LinkedHashSet<>(dao.openConflictFields(globalId));
            openFields.put(globalId, s);
        }
        return s;
    }

    private void loadAccount(long globalId) throws SQLException {
        if (!canonicalStored.containsKey(globalId)) {
            stored(globalId, dao.canonicalText(globalId));
        }
    }

    private void stored(long globalId, String text) {
        canonicalStored.put(globalId, text);
        canonical.put(globalId, CanonicalValues.decode(globalId, text));
    }

    public boolean hasOpenIdentityConflict(String usernameKey) throws SQLException {
        return dao.hasOpenConflict(usernameKey, "identity");
    }

    public Optional<String> usernameKey(long globalId) throws SQLException {
        return dao.usernameKey(globalId);
    }

    // ---- writes -------------------------------------------------------------------------------

    public long createAccount(String usernameKey, Instant now) throws SQLException {
        long g = dao.createAccount(usernameKey, now);
        wroteDirectly = true;
        accountsByKey.put(usernameKey, g);
        absentKeys.remove(usernameKey);
        linksByAccount.put(g, new HashMap<>());
        stored(g, null);
        openFields.put(g, new LinkedHashSet<>());
        return g;
    }

    public void upsertLink(String localKey, long globalId, String username, Instant now) throws SQLException {
        LinkRow r = row(localKey);
        if (r == null) {
            r = new LinkRow(globalId, username, false, null, false);
            links.put(localKey, r);
        } else {
            Map<String, StateDao.Link> old = linksByAccount.get(r.globalId);
            if (old != null) {
                old.remove(env);
            }
            r.globalId = globalId;
            r.username = username;
            r.deleted = false;
        }
        r.updatedAt = now;
        links(globalId).put(env, new StateDao.Link(globalId, env, localKey, username));
        dirtyLinks.add(localKey);
    }

    public void markLinkDeleted(String localKey, Instant now) throws SQLException {
        LinkRow r = row(localKey);
        if (r == null) {
            return;
        }
        r.deleted = true;
        r.updatedAt = now;
        Map<String, StateDao.Link> live = linksByAccount.get(r.globalId);
        if (live != null) {
            live.remove(env);
        }
        dirtyLinks.add(localKey);
    }

    public void setLastSeen(String localKey, long order) throws SQLException {
        LinkRow r = row(localKey);
        if (r == null) {
            return;
        }
        r.lastSeen = order;
        dirtyLinks.add(localKey);
    }

    public void setCanonical(long globalId, String field, CanonicalValue v) throws SQLException {
        loadAccount(globalId);
        canonical.get(globalId).put(field, v);
        dirtyCanonical.computeIfAbsent(globalId, k -> new LinkedHashMap<>()).put(field, v);
    }

    public long recordConflict(Long globalId, String usernameKey, String kind, Collection<String> fields,
                               Map<String, Map<String, String>> candidates, Instant now) throws SQLException {
        long id = dao.recordConflict(globalId, usernameKey, kind, fields, candidates, true, null, now);
        wroteDirectly = true;
        if (globalId != null) {
            addHeld(openConflictFields(globalId), kind, fields);
        }
        return id;
    }

    public void enqueue(Patch p, Instant sourceTime, Instant now) {
        outbox.add(StateDao.outboxRow(p, sourceTime, now));
    }

    public void audit(Long globalId, String action, String fields, String detail, Instant sourceTime, Instant now) {
        audit.add(StateDao.auditRow(globalId, env, action, fields, detail, sourceTime, now));
    }

    public void quarantine(String stage, String position, String localKey, String reason, Instant now) {
        quarantine.add(StateDao.quarantineRow(env, stage, position, localKey, null, reason, null, now));
    }

    /** Whether the batch changed anything in the store (so far, or buffered for {@link #flush}). */
    public boolean changesState() {
        return wroteDirectly || !dirtyLinks.isEmpty() || !dirtyCanonical.isEmpty() || !outbox.isEmpty() || !audit.isEmpty()
                || !quarantine.isEmpty();
    }

    /**
     * Writes the changed accounts' canonical values, each account's row once, only where the row still holds what
     * this batch read: another writer (an operator resolving a conflict with the CLI) may have set other fields since.
     * Such an account's changed fields are written over the row as it is now, locked, so neither write is lost.
     */
    private void flushCanonical() throws SQLException {
        List<Long> accounts = new ArrayList<>(dirtyCanonical.keySet());
        List<String> written = new ArrayList<>(accounts.size());
        try (PreparedStatement ps = dao.connection().prepareStatement(StateDao.CANONICAL_UPDATE
                + " and canonical is not distinct from ?")) {
            for (long g : accounts) {
                String text = CanonicalValues.encode(canonical.get(g));
                written.add(text);
                ps.setString(1, text);
                ps.setLong(2, g);
                ps.setString(3, canonicalStored.get(g));
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int i = 0; i < accounts.size(); i++) {
                long g = accounts.get(i);
                if (counts[i] == 0) {
                    dao.setCanonical(g, dirtyCanonical.get(g));
                    canonicalStored.remove(g);    // read again if this view is used further
                    canonical.remove(g);
                } else {
                    canonicalStored.put(g, written.get(i));
                }
            }
        }
    }

    /** Sends every buffered write (each row once, in its final state); the caller commits. */
    public void flush(Instant now) throws SQLException {
        if (!dirtyLinks.isEmpty()) {
            try (PreparedStatement ins = dao.connection().prepareStatement(
                    "insert into account_link (global_id, username, deleted, last_seen, updated_at, env, local_key) "
                            + "values (?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement upd = dao.connection().prepareStatement(
                         "update account_link set global_id = ?, username = ?, deleted = ?, last_seen = ?, updated_at = ? "
                                 + "where env = ? and local_key = ?")) {
                for (String k : dirtyLinks) {
                    LinkRow r = links.get(k);
                    PreparedStatement ps = r.stored ? upd : ins;
                    ps.setLong(1, r.globalId);
                    ps.setString(2, r.username);
                    ps.setBoolean(3, r.deleted);
                    if (r.lastSeen == null) {
                        ps.setNull(4, java.sql.Types.BIGINT);
                    } else {
                        ps.setLong(4, r.lastSeen);
                    }
                    ps.setTimestamp(5, Timestamp.from(r.updatedAt == null ? now : r.updatedAt));
                    ps.setString(6, env);
                    ps.setString(7, k);
                    ps.addBatch();
                }
                ins.executeBatch();
                upd.executeBatch();
            }
            dirtyLinks.forEach(k -> links.get(k).stored = true);
        }
        if (!dirtyCanonical.isEmpty()) {
            flushCanonical();
        }
        dao.drain(StateDao.OUTBOX_INSERT, outbox);
        dao.drain(StateDao.AUDIT_INSERT, audit);
        dao.drain(StateDao.QUARANTINE_INSERT, quarantine);
        dirtyLinks.clear();
        dirtyCanonical.clear();
    }
}
