package io.accountsync.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.accountsync.model.Patch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The state store's statements, run on a connection the caller owns (and commits). */
public final class StateDao {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> MAP = new TypeReference<>() {
    };

    private final Connection c;

    public StateDao(Connection c) {
        this.c = c;
    }

    public Connection connection() {
        return c;
    }

    public record Link(long globalId, String env, String localKey, String username) {
    }

    public Optional<Link> link(String env, String localKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select global_id, username from account_link where env = ? and local_key = ?")) {
            ps.setString(1, env);
            ps.setString(2, localKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Link(rs.getLong(1), env, localKey, rs.getString(2))) : Optional.empty();
            }
        }
    }

    /** Every link of one canonical account, by environment. */
    public Map<String, Link> links(long globalId) throws SQLException {
        Map<String, Link> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select env, local_key, username from account_link where global_id = ? and deleted = false")) {
            ps.setLong(1, globalId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Link(globalId, rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return out;
    }

    public Optional<Long> accountByKey(String usernameKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select global_id from account where username_key = ?")) {
            ps.setString(1, usernameKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    public Optional<String> usernameKey(long globalId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select username_key from account where global_id = ?")) {
            ps.setLong(1, globalId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    public long createAccount(String usernameKey, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into account (username_key, created_at) values (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, usernameKey);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.executeUpdate();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public void upsertLink(String env, String localKey, long globalId, String username, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update account_link set global_id = ?, username = ?, deleted = false, updated_at = ? where env = ? and local_key = ?")) {
            ps.setLong(1, globalId);
            ps.setString(2, username);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setString(4, env);
            ps.setString(5, localKey);
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into account_link (env, local_key, global_id, username, deleted, updated_at) values (?, ?, ?, ?, false, ?)")) {
            ps.setString(1, env);
            ps.setString(2, localKey);
            ps.setLong(3, globalId);
            ps.setString(4, username);
            ps.setTimestamp(5, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    public void markLinkDeleted(String env, String localKey, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update account_link set deleted = true, updated_at = ? where env = ? and local_key = ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, env);
            ps.setString(3, localKey);
            ps.executeUpdate();
        }
    }

    public Map<String, CanonicalValue> canonical(long globalId) throws SQLException {
        return canonical(globalId, "");
    }

    private Map<String, CanonicalValue> canonical(long globalId, String lock) throws SQLException {
        return CanonicalValues.decode(globalId, canonicalText(globalId, lock));
    }

    /** The account's canonical column as stored ({@link CanonicalValues}); null when it has none (or no row). */
    public String canonicalText(long globalId) throws SQLException {
        return canonicalText(globalId, "");
    }

    private String canonicalText(long globalId, String lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select canonical from account where global_id = ?" + lock)) {
            ps.setLong(1, globalId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * Sets some canonical values of an account; its other values stay as they are in the store now (the row is
     * locked from the read to the caller's commit, so a concurrent writer's other fields are not lost).
     */
    public void setCanonical(long globalId, Map<String, CanonicalValue> changed) throws SQLException {
        Map<String, CanonicalValue> values = canonical(globalId, " for update");
        values.putAll(changed);
        try (PreparedStatement ps = c.prepareStatement(CANONICAL_UPDATE)) {
            ps.setString(1, CanonicalValues.encode(values));
            ps.setLong(2, globalId);
            if (ps.executeUpdate() == 0) {
                throw new StateStoreException("account " + globalId + " is not in the state store");
            }
        }
    }

    public void setCanonical(long globalId, String field, CanonicalValue v) throws SQLException {
        setCanonical(globalId, Map.of(field, v));
    }

    /** Replaces an account's canonical values: the encoded values ({@link CanonicalValues}), the account. */
    public static final String CANONICAL_UPDATE = "update account set canonical = ? where global_id = ?";

    /** An append-only insert: its SQL and the JDBC type of each parameter (for NULLs). */
    public record Insert(String sql, int[] types) {
    }

    public static final Insert OUTBOX_INSERT = new Insert(
            "insert into outbox (env, global_id, local_key, username, kind, payload, expected, reason, source_time, created_at) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            new int[] {Types.VARCHAR, Types.BIGINT, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
                    Types.VARCHAR, Types.VARCHAR, Types.TIMESTAMP, Types.TIMESTAMP});
    public static final Insert AUDIT_INSERT = new Insert(
            "insert into audit_log (global_id, env, action, fields, detail, source_time, at) values (?, ?, ?, ?, ?, ?, ?)",
            new int[] {Types.BIGINT, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.TIMESTAMP,
                    Types.TIMESTAMP});
    static final Insert QUARANTINE_INSERT = new Insert(
            "insert into quarantine (env, stage, source_position, local_key, global_id, reason, payload, created_at) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?)",
            new int[] {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.BIGINT, Types.VARCHAR,
                    Types.VARCHAR, Types.TIMESTAMP});

    /** One outbox entry's parameters, for {@link #OUTBOX_INSERT}. */
    public static Object[] outboxRow(Patch p, Instant sourceTime, Instant now) {
        return new Object[] {p.env(), p.globalId(), p.localKey(), p.username(), p.kind().name(), json(p.values()),
                p.expected().isEmpty() ? null : json(p.expected()), p.reason(), ts(sourceTime), ts(now)};
    }

    /** One audit entry's parameters, for {@link #audit(List)}. */
    public static Object[] auditRow(Long globalId, String env, String action, String fields, String detail,
                             Instant sourceTime, Instant now) {
        return new Object[] {globalId, env, action, fields, detail, ts(sourceTime), ts(now)};
    }

    static Object[] quarantineRow(String env, String stage, String position, String localKey, Long globalId,
                                  String reason, String payload, Instant now) {
        return new Object[] {env, stage, position, localKey, globalId, reason, payload, ts(now)};
    }

    private static Timestamp ts(Instant t) {
        return t == null ? null : Timestamp.from(t);
    }

    /** Inserts the buffered rows as one JDBC batch and empties the buffer. */
    public void drain(Insert insert, List<Object[]> buffer) throws SQLException {
        insertRows(insert, buffer);
        buffer.clear();
    }

    /** Runs {@code insert} once per row, as one JDBC batch. */
    public void insertRows(Insert insert, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(insert.sql())) {
            for (Object[] row : rows) {
                bind(ps, insert, row);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void bind(PreparedStatement ps, Insert insert, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            if (row[i] == null) {
                ps.setNull(i + 1, insert.types()[i]);
            } else {
                ps.setObject(i + 1, row[i], insert.types()[i]);
            }
        }
    }

    public void enqueue(Patch p, Instant sourceTime, Instant now) throws SQLException {
        insertRows(OUTBOX_INSERT, List.<Object[]>of(outboxRow(p, sourceTime, now)));
    }

    public List<OutboxEntry> outbox(String env, int limit) throws SQLException {
        return outbox(env, 0, limit);
    }

    /**
     * A page of one environment's outbox. Ordered by the whole (env, id) index although env is fixed: H2 walks
     * an index in order only for an ORDER BY on its leading columns. Ordered by id alone, it read and sorted the
     * environment's whole outbox for every page (209,000 patches of a bootstrap: 82% of the writers' CPU).
     */
    public static final String OUTBOX_PAGE = "select id, global_id, local_key, username, kind, payload, reason, "
            + "source_time, expected from outbox where env = ? and id > ? order by env, id fetch first ? rows only";
    /** One account's audit log, in the (global_id, id) index's order (see {@link #OUTBOX_PAGE}). */
    public static final String AUDIT_OF_ACCOUNT = "select id, env, action, fields, detail, source_time, at from audit_log "
            + "where global_id = ? order by global_id, id";

    /** The first {@code limit} patches waiting for {@code env} after outbox entry {@code afterId}, in order. */
    public List<OutboxEntry> outbox(String env, long afterId, int limit) throws SQLException {
        List<OutboxEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(OUTBOX_PAGE)) {
            ps.setString(1, env);
            ps.setLong(2, afterId);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Patch p = new Patch(env, rs.getLong(2), rs.getString(3), rs.getString(4),
                            Patch.Kind.valueOf(rs.getString(5)), parse(rs.getString(6)),
                            rs.getString(9) == null ? Map.of() : parse(rs.getString(9)), rs.getString(7));
                    out.add(new OutboxEntry(rs.getLong(1), p, rs.getTimestamp(8).toInstant()));
                }
            }
        }
        return out;
    }

    public long outboxDepth(String env) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select count(*) from outbox where env = ?")) {
            ps.setString(1, env);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public void dequeue(List<OutboxEntry> entries) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from outbox where id = ?")) {
            for (OutboxEntry e : entries) {
                ps.setLong(1, e.id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public void ownTransaction(String env, String txId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into own_transaction (env, tx_id, created_at) select ?, ?, ? where not exists "
                        + "(select 1 from own_transaction where env = ? and tx_id = ?)")) {
            ps.setString(1, env);
            ps.setString(2, txId);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setString(4, env);
            ps.setString(5, txId);
            ps.executeUpdate();
        }
    }

    /** Own transactions recorded after {@code since}, per environment. */
    public Map<String, List<String>> ownTransactions(Instant since) throws SQLException {
        Map<String, List<String>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select env, tx_id from own_transaction where created_at >= ?")) {
            ps.setTimestamp(1, Timestamp.from(since));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return out;
    }

    public int pruneOwnTransactions(Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from own_transaction where created_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(before));
            return ps.executeUpdate();
        }
    }

    public void quarantine(String env, String stage, String position, String localKey, Long globalId,
                           String reason, String payload, Instant now) throws SQLException {
        insertRows(QUARANTINE_INSERT,
                List.<Object[]>of(quarantineRow(env, stage, position, localKey, globalId, reason, payload, now)));
    }

    public record QuarantineEntry(long id, String env, String stage, String position, String localKey, Long globalId,
                                  String reason, String payload, Instant at) {
    }

    public List<QuarantineEntry> quarantined() throws SQLException {
        List<QuarantineEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select id, env, stage, source_position, local_key, global_id, reason, payload, created_at from quarantine order by id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(quarantineEntry(rs));
            }
        }
        return out;
    }

    /** One quarantine entry by its id. */
    public Optional<QuarantineEntry> quarantineEntry(long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select id, env, stage, source_position, local_key, global_id, reason, payload, created_at from quarantine where id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(quarantineEntry(rs)) : Optional.empty();
            }
        }
    }

    private static QuarantineEntry quarantineEntry(ResultSet rs) throws SQLException {
        long g = rs.getLong(6);
        Long globalId = rs.wasNull() ? null : g;   // wasNull() speaks of the last column read: ask right away
        return new QuarantineEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                globalId, rs.getString(7), rs.getString(8), rs.getTimestamp(9).toInstant());
    }

    /** {@link #isQuarantined}'s question, answered from the (global_id, env, stage) index (schema version 3). */
    public static final String QUARANTINE_LOOKUP = "select 1 from quarantine where env = ? and stage = ? and global_id = ? "
            + "and payload = ?";

    /**
     * Whether a value of this account and these fields is already quarantined for the environment
     * at this stage (a create refused a value, then the repair after its echo is refused the same way).
     */
    public boolean isQuarantined(String env, String stage, long globalId, String payload) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(QUARANTINE_LOOKUP)) {
            ps.setString(1, env);
            ps.setString(2, stage);
            ps.setLong(3, globalId);
            ps.setString(4, payload);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Removes one quarantine entry; returns whether it existed. */
    public boolean deleteQuarantine(long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from quarantine where id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    public void audit(Long globalId, String env, String action, String fields, String detail, Instant sourceTime,
                      Instant now) throws SQLException {
        insertRows(AUDIT_INSERT, List.<Object[]>of(auditRow(globalId, env, action, fields, detail, sourceTime, now)));
    }

    /** Audit entries made with {@link #auditRow}, as one batch. */
    public void audit(List<Object[]> rows) throws SQLException {
        insertRows(AUDIT_INSERT, rows);
    }

    public void envProgress(String env, String position, Instant commitTime, int events, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update env_state set last_position = ?, last_commit_time = ?, last_event_at = ?, events = events + ?, updated_at = ? where env = ?")) {
            ps.setString(1, position);
            ps.setTimestamp(2, commitTime == null ? null : Timestamp.from(commitTime));
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setInt(4, events);
            ps.setTimestamp(5, Timestamp.from(now));
            ps.setString(6, env);
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into env_state (env, last_position, last_commit_time, last_event_at, events, updated_at) values (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, env);
            ps.setString(2, position);
            ps.setTimestamp(3, commitTime == null ? null : Timestamp.from(commitTime));
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setInt(5, events);
            ps.setTimestamp(6, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    public long count(String table) throws SQLException {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException(table);
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- conflicts ----------------------------------------------------------------------------

    public record Conflict(long id, Long globalId, String usernameKey, String kind, List<String> fields,
                           Map<String, Map<String, String>> candidates, String status, Instant detectedAt,
                           Instant resolvedAt, String resolution) {
    }

    private static final TypeReference<LinkedHashMap<String, LinkedHashMap<String, String>>> CANDIDATES = new TypeReference<>() {
    };

    public static final Insert CONFLICT_INSERT = new Insert(
            "insert into conflict (global_id, username_key, kind, fields, candidates, status, detected_at, resolved_at, resolution) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            new int[] {Types.BIGINT, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
                    Types.TIMESTAMP, Types.TIMESTAMP, Types.VARCHAR});

    /** One conflict's parameters, for {@link #CONFLICT_INSERT}. */
    public static Object[] conflictRow(Long globalId, String usernameKey, String kind, java.util.Collection<String> fields,
                                       Map<String, Map<String, String>> candidates, boolean open, String resolution,
                                       Instant now) {
        String json;
        try {
            json = JSON.writeValueAsString(candidates);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new Object[] {globalId, usernameKey, kind, String.join(",", fields), json, open ? "open" : "resolved",
                ts(now), open ? null : ts(now), resolution};
    }

    public long recordConflict(Long globalId, String usernameKey, String kind, java.util.Collection<String> fields,
                               Map<String, Map<String, String>> candidates, boolean open, String resolution, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CONFLICT_INSERT.sql(), Statement.RETURN_GENERATED_KEYS)) {
            bind(ps, CONFLICT_INSERT, conflictRow(globalId, usernameKey, kind, fields, candidates, open, resolution, now));
            ps.executeUpdate();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Fields held by the account's open conflicts; {@code "*"} when an identity conflict holds it all. */
    public java.util.Set<String> openConflictFields(long globalId) throws SQLException {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select kind, fields from conflict where global_id = ? and status = 'open'")) {
            ps.setLong(1, globalId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(1).equals("identity")) {
                        out.add("*");
                    }
                    for (String f : rs.getString(2).split(",")) {
                        if (!f.isBlank()) {
                            out.add(f);
                        }
                    }
                }
            }
        }
        return out;
    }

    public List<Conflict> conflicts(boolean openOnly, Long globalId) throws SQLException {
        List<Conflict> out = new ArrayList<>();
        String sql = "select id, global_id, username_key, kind, fields, candidates, status, detected_at, resolved_at, resolution "
                + "from conflict where 1 = 1" + (openOnly ? " and status = 'open'" : "")
                + (globalId != null ? " and global_id = ?" : "") + " order by id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (globalId != null) {
                ps.setLong(1, globalId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long g = rs.getLong(2);
                    Long gid = rs.wasNull() ? null : g;
                    Map<String, Map<String, String>> cand;
                    try {
                        cand = new LinkedHashMap<>(JSON.readValue(rs.getString(6), CANDIDATES));
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("corrupt conflict candidates", e);
                    }
                    Timestamp resolved = rs.getTimestamp(9);
                    out.add(new Conflict(rs.getLong(1), gid, rs.getString(3), rs.getString(4),
                            List.of(rs.getString(5).split(",")), cand, rs.getString(7), rs.getTimestamp(8).toInstant(),
                            resolved == null ? null : resolved.toInstant(), rs.getString(10)));
                }
            }
        }
        return out;
    }

    public int resolveConflicts(long globalId, String resolution, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update conflict set status = 'resolved', resolved_at = ?, resolution = ? where global_id = ? and status = 'open'")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, resolution);
            ps.setLong(3, globalId);
            return ps.executeUpdate();
        }
    }

    public boolean hasOpenConflict(String usernameKey, String kind) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select 1 from conflict where username_key = ? and kind = ? and status = 'open'")) {
            ps.setString(1, usernameKey);
            ps.setString(2, kind);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    public long openConflictCount() throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from conflict where status = 'open'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- replays and facts ------------------------------------------------------------------

    public Long lastSeen(String env, String localKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select last_seen from account_link where env = ? and local_key = ?")) {
            ps.setString(1, env);
            ps.setString(2, localKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long v = rs.getLong(1);
                return rs.wasNull() ? null : v;
            }
        }
    }

    public void setLastSeen(String env, String localKey, long order) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update account_link set last_seen = ? where env = ? and local_key = ?")) {
            ps.setLong(1, order);
            ps.setString(2, env);
            ps.setString(3, localKey);
            ps.executeUpdate();
        }
    }

    public Optional<String> fact(String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select val from store_fact where name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    public void setFact(String name, String value, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update store_fact set val = ?, updated_at = ? where name = ?")) {
            ps.setString(1, value);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setString(3, name);
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("insert into store_fact (name, val, updated_at) values (?, ?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    /** Forgets every account, link, value, planned patch, conflict and audit entry (a new bootstrap). */
    public void wipe() throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String t : List.of("outbox", "account_link", "conflict", "audit_log", "quarantine", "own_transaction",
                    "env_state", "store_fact", "account")) {
                st.executeUpdate("delete from " + t);
            }
        }
    }

    /** Audit entries of one account, oldest first. */
    public record AuditEntry(long id, String env, String action, String fields, String detail, Instant sourceTime, Instant at) {
    }

    public List<AuditEntry> auditLog(long globalId) throws SQLException {
        List<AuditEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(AUDIT_OF_ACCOUNT)) {
            ps.setLong(1, globalId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp st = rs.getTimestamp(6);
                    out.add(new AuditEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), st == null ? null : st.toInstant(), rs.getTimestamp(7).toInstant()));
                }
            }
        }
        return out;
    }

    static String json(Map<String, String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> parse(String json) {
        try {
            return JSON.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt outbox payload", e);
        }
    }
}
