package io.accountsync.capture;

import io.accountsync.model.Dialect;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a database still holds the log position an environment's capture resumes from: the PostgreSQL replication
 * slot (dropped, invalidated, or re-created past the stored LSN) or the MariaDB/MySQL binlog (purged).
 *
 * <p>When that position is gone, the changes made since cannot be read any more. Restarting the engine cannot fix
 * it: Debezium either fails on every start (its own log-position check, or the server's error 1236) or, were a slot
 * re-created quietly, would stream from "now" and lose the gap. So the supervisor checks before every (re)start and
 * classifies the engine's failures with {@link #classify}, and stops that environment's capture for an operator.
 */
public final class LogRetention {

    /**
     * What is gone, for a message.
     *
     * @param what     e.g. {@code replication slot accountsync_b is gone}
     * @param position the stored position that cannot be read from any more, e.g. {@code lsn 0/16B3748}
     */
    public record Gone(String what, String position) {
    }

    // MariaDB/MySQL error 1236 texts (ER_MASTER_FATAL_ERROR_READING_BINLOG) and Debezium's own log-position check.
    private static final Pattern BINLOG_GONE = Pattern.compile("(?i)could not find GTID state requested by slave"
            + "|could not find first log file name in binary log index file"
            + "|purged binary logs containing GTIDs"
            + "|required binary logs? (?:files )?(?:have|has) been purged"
            + "|binlog files have been purged");
    private static final Pattern POSITION_UNAVAILABLE = Pattern.compile("(?i)no longer available on the server");
    private static final Pattern SLOT_MISSING = Pattern.compile("(?i)replication slot \"([^\"]+)\" does not exist");
    private static final Pattern GTID = Pattern.compile("(\\d+)-(\\d+)-(\\d+)");

    private LogRetention() {
    }

    /**
     * Checks the position stored under {@code settings.workDir()} against the database.
     *
     * @return what is gone; empty when the position is still there or none is stored (a first start)
     * @throws IOException  when the stored offset cannot be read
     * @throws SQLException when the database cannot be asked (down, say): the engine's own retries deal with that
     */
    public static Optional<Gone> check(CaptureSettings settings) throws IOException, SQLException {
        Optional<StoredOffset> stored = StoredOffset.read(settings.workDir());
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        StoredOffset offset = stored.get();
        var c = settings.connection();
        try (Connection db = DriverManager.getConnection(c.jdbcUrl(), c.jdbcProperties())) {
            Optional<String> what = switch (settings.dialect()) {
                case POSTGRESQL -> postgres(db, DebeziumProperties.slotName(settings), c.database(), offset);
                case MARIADB -> mariadb(db, offset);
                case MYSQL -> mysql(db, offset);
            };
            return what.map(w -> new Gone(w, offset.describe(settings.dialect())));
        }
    }

    /**
     * Whether an engine's failure says that the database no longer holds the position it resumes from, and what is
     * gone; empty for any other failure (those are retried). {@code error} is the failure's whole text (every message
     * of the cause chain, before {@link ErrorMessages} cuts it short): it is only matched, never kept or shown.
     */
    public static Optional<String> classify(String error, CaptureSettings settings) {
        if (error == null) {
            return Optional.empty();
        }
        Matcher slot = SLOT_MISSING.matcher(error);
        if (settings.dialect() == Dialect.POSTGRESQL && slot.find()) {
            return Optional.of("replication slot " + slot.group(1) + " is gone");
        }
        if (settings.dialect().isMysqlFamily() && BINLOG_GONE.matcher(error).find()) {
            return Optional.of("the binlog holding it has been purged");
        }
        if (POSITION_UNAVAILABLE.matcher(error).find()) {
            return Optional.of(settings.dialect() == Dialect.POSTGRESQL
                    ? "replication slot " + DebeziumProperties.slotName(settings) + " is gone or no longer holds it"
                    : "the binlog holding it has been purged");
        }
        return Optional.empty();
    }

    /** The stored position of {@code settings}'s capture for a message; a placeholder when it cannot be read. */
    public static String storedPosition(CaptureSettings settings) {
        try {
            return StoredOffset.read(settings.workDir()).map(o -> o.describe(settings.dialect())).orElse("the stored offset");
        } catch (IOException e) {
            return "the stored offset";
        }
    }

    // ------------------------------------------------------------------ PostgreSQL

    private static Optional<String> postgres(Connection db, String slot, String database, StoredOffset offset)
            throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("select * from pg_replication_slots where slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.of("replication slot " + slot + " is gone");
                }
                Map<String, String> row = row(rs);
                if (!database.equals(row.get("database"))) {
                    return Optional.of("replication slot " + slot + " now belongs to database " + row.get("database"));
                }
                if ("lost".equals(row.get("wal_status")) || row.get("restart_lsn") == null) {
                    return Optional.of("replication slot " + slot + " has lost the WAL it held (wal_status lost; drop it"
                            + " too before the re-bootstrap: SELECT pg_drop_replication_slot('" + slot + "'))");
                }
                long restart = StoredOffset.parseLsn(row.get("restart_lsn"));
                // Debezium's own check: the slot must not start after the stored position.
                if (offset.lsn() != null && restart > offset.lsn()) {
                    return Optional.of("replication slot " + slot + " was re-created: it starts at lsn "
                            + row.get("restart_lsn") + ", after the stored position");
                }
                return Optional.empty();
            }
        }
    }

    private static Map<String, String> row(ResultSet rs) throws SQLException {
        Map<String, String> row = new HashMap<>();
        ResultSetMetaData md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            row.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getString(i));
        }
        return row;
    }

    // ------------------------------------------------------------------ MariaDB / MySQL

    private static Optional<String> mariadb(Connection db, StoredOffset offset) throws SQLException {
        List<String> logs = binaryLogs(db);
        if (logs.isEmpty()) {
            return Optional.of("the server has no binlog any more (log_bin off?)");
        }
        String oldest = logs.get(0);
        if (offset.gtids() == null) {
            return fileGone(offset, logs);
        }
        // The oldest binlog opens with a Gtid_list event: the last GTID of each domain written before it. A domain
        // whose last GTID there is beyond the stored one had transactions after it in binlogs that are gone.
        Map<Long, long[]> before = gtidListOf(db, oldest);
        Matcher m = GTID.matcher(offset.gtids());
        while (m.find()) {
            long domain = Long.parseLong(m.group(1));
            long seq = Long.parseLong(m.group(3));
            long[] purgedUpTo = before.get(domain);   // {server id, sequence number}
            if (purgedUpTo != null && purgedUpTo[1] > seq) {
                return Optional.of("the binlog holding it has been purged: the oldest binlog on the server, " + oldest
                        + ", starts after GTID " + domain + "-" + purgedUpTo[0] + "-" + purgedUpTo[1]);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> mysql(Connection db, StoredOffset offset) throws SQLException {
        if (offset.gtids() != null) {
            try (PreparedStatement ps = db.prepareStatement("select gtid_subset(@@global.gtid_purged, ?)")) {
                ps.setString(1, offset.gtids());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getInt(1) == 0) {
                        return Optional.of("the binlog holding it has been purged (gtid_purged goes beyond it)");
                    }
                }
            }
            return Optional.empty();
        }
        return fileGone(offset, binaryLogs(db));
    }

    private static Optional<String> fileGone(StoredOffset offset, List<String> logs) {
        if (offset.binlogFile() == null || logs.contains(offset.binlogFile())) {
            return Optional.empty();
        }
        return Optional.of("binlog " + offset.binlogFile() + " has been purged (the oldest on the server is "
                + (logs.isEmpty() ? "none" : logs.get(0)) + ")");
    }

    private static List<String> binaryLogs(Connection db) throws SQLException {
        List<String> logs = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("show binary logs")) {
            while (rs.next()) {
                logs.add(rs.getString(1));
            }
        }
        return logs;
    }

    /** The Gtid_list event that opens a binlog: per domain, {server id, sequence number} of its last GTID before. */
    private static Map<Long, long[]> gtidListOf(Connection db, String binlog) throws SQLException {
        Map<Long, long[]> out = new HashMap<>();
        // The name comes from SHOW BINARY LOGS; quoted as a string literal all the same.
        String literal = "'" + binlog.replace("\\", "\\\\").replace("'", "''") + "'";
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("show binlog events in " + literal + " limit 6")) {
            while (rs.next()) {
                if ("Gtid_list".equalsIgnoreCase(rs.getString("Event_type"))) {
                    Matcher m = GTID.matcher(String.valueOf(rs.getString("Info")));
                    while (m.find()) {
                        long[] gtid = {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
                        out.merge(Long.parseLong(m.group(1)), gtid, (x, y) -> x[1] >= y[1] ? x : y);
                    }
                    break;
                }
            }
        }
        return out;
    }
}
