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
        Map<String, CanonicalValue> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select field, val, source_env, source_time from canonical_value where global_id = ?")) {
            ps.setLong(1, globalId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new CanonicalValue(rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()));
                }
            }
        }
        return out;
    }

    public void setCanonical(long globalId, String field, CanonicalValue v, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update canonical_value set val = ?, source_env = ?, source_time = ?, updated_at = ? where global_id = ? and field = ?")) {
            ps.setString(1, v.value());
            ps.setString(2, v.sourceEnv());
            ps.setTimestamp(3, Timestamp.from(v.sourceTime()));
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setLong(5, globalId);
            ps.setString(6, field);
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into canonical_value (global_id, field, val, source_env, source_time, updated_at) values (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, globalId);
            ps.setString(2, field);
            ps.setString(3, v.value());
            ps.setString(4, v.sourceEnv());
            ps.setTimestamp(5, Timestamp.from(v.sourceTime()));
            ps.setTimestamp(6, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    public void enqueue(Patch p, Instant sourceTime, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into outbox (env, global_id, local_key, username, kind, payload, reason, source_time, created_at) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, p.env());
            ps.setLong(2, p.globalId());
            ps.setString(3, p.localKey());
            ps.setString(4, p.username());
            ps.setString(5, p.kind().name());
            ps.setString(6, json(p.values()));
            ps.setString(7, p.reason());
            ps.setTimestamp(8, Timestamp.from(sourceTime));
            ps.setTimestamp(9, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    public List<OutboxEntry> outbox(String env, int limit) throws SQLException {
        List<OutboxEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select id, global_id, local_key, username, kind, payload, reason, source_time from outbox where env = ? order by id")) {
            ps.setString(1, env);
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Patch p = new Patch(env, rs.getLong(2), rs.getString(3), rs.getString(4),
                            Patch.Kind.valueOf(rs.getString(5)), parse(rs.getString(6)), rs.getString(7));
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
        try (PreparedStatement ps = c.prepareStatement(
                "insert into quarantine (env, stage, source_position, local_key, global_id, reason, payload, created_at) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, env);
            ps.setString(2, stage);
            ps.setString(3, position);
            ps.setString(4, localKey);
            if (globalId == null) {
                ps.setNull(5, java.sql.Types.BIGINT);
            } else {
                ps.setLong(5, globalId);
            }
            ps.setString(6, reason);
            ps.setString(7, payload);
            ps.setTimestamp(8, Timestamp.from(now));
            ps.executeUpdate();
        }
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
                long g = rs.getLong(6);
                out.add(new QuarantineEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.wasNull() ? null : g, rs.getString(7), rs.getString(8),
                        rs.getTimestamp(9).toInstant()));
            }
        }
        return out;
    }

    public void audit(Long globalId, String env, String action, String fields, String detail, Instant sourceTime,
                      Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into audit_log (global_id, env, action, fields, detail, source_time, at) values (?, ?, ?, ?, ?, ?, ?)")) {
            if (globalId == null) {
                ps.setNull(1, java.sql.Types.BIGINT);
            } else {
                ps.setLong(1, globalId);
            }
            ps.setString(2, env);
            ps.setString(3, action);
            ps.setString(4, fields);
            ps.setString(5, detail);
            ps.setTimestamp(6, sourceTime == null ? null : Timestamp.from(sourceTime));
            ps.setTimestamp(7, Timestamp.from(now));
            ps.executeUpdate();
        }
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
