package io.accountsync.status;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the state store says about each environment: where its capture stands ({@code env_state}),
 * what waits to be written ({@code outbox}), what was quarantined, and the open conflicts. Read-only
 * queries that work on H2 and PostgreSQL alike.
 *
 * @param envs          env_state rows by environment
 * @param pending       outbox depth and oldest entry by environment (absent: nothing waits)
 * @param quarantined   quarantine rows by environment
 * @param openConflicts conflicts with status open
 */
public record StoreFacts(Map<String, EnvRow> envs, Map<String, Pending> pending, Map<String, Long> quarantined,
                         long openConflicts) {

    /** One env_state row. */
    public record EnvRow(String lastPosition, Instant lastCommitTime, Instant lastEventAt, long events) {
    }

    /** The outbox of one environment: how many patches wait, and when the oldest was planned. */
    public record Pending(long depth, Instant oldestCreatedAt) {
    }

    public static StoreFacts read(Connection c) throws SQLException {
        Map<String, EnvRow> envs = new LinkedHashMap<>();
        Map<String, Pending> pending = new LinkedHashMap<>();
        Map<String, Long> quarantined = new LinkedHashMap<>();
        long conflicts;
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "select env, last_position, last_commit_time, last_event_at, events from env_state order by env")) {
                while (rs.next()) {
                    envs.put(rs.getString(1), new EnvRow(rs.getString(2), instant(rs.getTimestamp(3)),
                            instant(rs.getTimestamp(4)), rs.getLong(5)));
                }
            }
            try (ResultSet rs = st.executeQuery("select env, count(*), min(created_at) from outbox group by env")) {
                while (rs.next()) {
                    pending.put(rs.getString(1), new Pending(rs.getLong(2), instant(rs.getTimestamp(3))));
                }
            }
            try (ResultSet rs = st.executeQuery("select env, count(*) from quarantine group by env")) {
                while (rs.next()) {
                    quarantined.put(rs.getString(1), rs.getLong(2));
                }
            }
            try (ResultSet rs = st.executeQuery("select count(*) from conflict where status = 'open'")) {
                rs.next();
                conflicts = rs.getLong(1);
            }
        }
        return new StoreFacts(envs, pending, quarantined, conflicts);
    }

    /**
     * The oldest patch waiting for an environment: ids grow with time, so the lowest id is the oldest entry.
     * Ordered by the whole (env, id) index, which H2 then reads in order and stops after one row (see
     * {@link io.accountsync.state.StateDao#OUTBOX_PAGE}).
     */
    public static final String OLDEST_PENDING = "select created_at from outbox where env = ? order by env, id "
            + "fetch first 1 rows only";

    /** When the oldest patch waiting for {@code env} was planned; empty when none waits. */
    public static Optional<Instant> oldestPending(Connection c, String env) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OLDEST_PENDING)) {
            ps.setString(1, env);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(instant(rs.getTimestamp(1))) : Optional.empty();
            }
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
