package io.accountsync.capture;

import io.accountsync.apply.Dialects;
import io.accountsync.connect.ConnectionSettings;
import io.accountsync.model.Dialect;
import io.accountsync.model.RowChange;
import io.accountsync.profile.Profile;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.jooq.impl.DSL;

/**
 * Reads every account of an environment in one consistent, read-only transaction (PostgreSQL
 * REPEATABLE READ, MariaDB/MySQL a consistent snapshot), streamed through the profile.
 *
 * <p>Before the read starts it takes the database's own clock: every transaction that committed
 * before that instant is in the read. Streaming that started before the read can then skip the
 * events committed before it ({@link #alreadyRead}) and apply all later ones, so a change committed
 * while a bootstrap runs is neither lost nor applied twice.
 */
public final class FullReader {

    /**
     * Where the read was taken: on PostgreSQL the database's clock just before the snapshot
     * (commit times are exact there); on MariaDB/MySQL the binlog coordinates of the consistent
     * snapshot itself (binlog times are when a statement started, not when it committed, so a
     * clock cannot tell a long transaction's side of the read).
     */
    public record ReadMark(String env, Dialect dialect, Instant before, String binlogFile, long binlogPosition) {
    }

    private FullReader() {
    }

    public static ReadMark read(String env, ConnectionSettings cs, Profile profile, Profile.ReadSink sink) throws Exception {
        try (Connection c = DriverManager.getConnection(cs.jdbcUrl(), cs.jdbcProperties())) {
            Instant before;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery(cs.dialect() == Dialect.POSTGRESQL ? "select clock_timestamp()" : "select now(6)")) {
                rs.next();
                before = rs.getTimestamp(1).toInstant();
            }
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            String file = null;
            long position = -1;
            if (cs.dialect() != Dialect.POSTGRESQL) {
                try (Statement st = c.createStatement()) {
                    st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
                    String[] coordinates = snapshotCoordinates(st, cs.dialect());
                    file = coordinates[0];
                    position = Long.parseLong(coordinates[1]);
                }
            }
            profile.readAll(DSL.using(c, Dialects.jooq(cs.dialect()), Dialects.settings()), env, sink);
            c.commit();
            return new ReadMark(env, cs.dialect(), before, file, position);
        }
    }

    /** The binlog file and position of the open consistent snapshot. */
    private static String[] snapshotCoordinates(Statement st, Dialect dialect) throws java.sql.SQLException {
        if (dialect == Dialect.MARIADB) {
            String file = null;
            String pos = null;
            try (ResultSet rs = st.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
                while (rs.next()) {
                    if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_file")) {
                        file = rs.getString(2);
                    } else if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_position")) {
                        pos = rs.getString(2);
                    }
                }
            }
            if (file == null || pos == null || file.isEmpty()) {
                throw new java.sql.SQLException("the server reports no binlog snapshot position: is log_bin on?");
            }
            return new String[] {file, pos};
        }
        // MySQL has no binlog_snapshot_* status: the binlog position while the snapshot is open
        // is at or after it, so changes before it are certainly in the read.
        try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            if (!rs.next()) {
                throw new java.sql.SQLException("the server reports no binlog position: is log_bin on?");
            }
            return new String[] {rs.getString(1), rs.getString(2)};
        }
    }

    /**
     * Whether a streamed change is certainly contained in the read taken at {@code mark}. PostgreSQL
     * reports commit times to the millisecond: a change committed before the clock read before the
     * snapshot is in it. On MariaDB/MySQL a change is in it when its event lies before the
     * snapshot's binlog coordinates (the binlog is written in commit order). When in doubt, the
     * answer is no: a change applied again is harmless, a skipped one would be lost.
     */
    public static boolean alreadyRead(ReadMark mark, RowChange change) {
        if (mark == null) {
            return false;
        }
        if (mark.dialect() == Dialect.POSTGRESQL) {
            return change.commitTime().isBefore(mark.before().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        }
        String[] coordinates = binlogCoordinates(change.position());
        if (coordinates == null || mark.binlogFile() == null) {
            return false;
        }
        int byFile = coordinates[0].compareTo(mark.binlogFile());
        if (byFile != 0) {
            return byFile < 0;
        }
        try {
            return Long.parseLong(coordinates[1]) < mark.binlogPosition();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** {@code [file, pos]} of a binlog position as the capture stage prints it ({@code <gtid> <file>:<pos>}). */
    static String[] binlogCoordinates(String position) {
        if (position == null) {
            return null;
        }
        String last = position.substring(position.lastIndexOf(' ') + 1);
        int colon = last.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        return new String[] {last.substring(0, colon), last.substring(colon + 1)};
    }
}
