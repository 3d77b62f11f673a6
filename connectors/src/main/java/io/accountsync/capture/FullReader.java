package io.accountsync.capture;

import io.accountsync.apply.Dialects;
import io.accountsync.connect.ConnectionSettings;
import io.accountsync.model.Dialect;
import io.accountsync.profile.Profile;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
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

    /** When the read was taken, on the database's clock. */
    public record ReadMark(String env, Dialect dialect, Instant before) {
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
            if (cs.dialect() != Dialect.POSTGRESQL) {
                try (Statement st = c.createStatement()) {
                    st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
                }
            }
            profile.readAll(DSL.using(c, Dialects.jooq(cs.dialect()), Dialects.settings()), env, sink);
            c.commit();
            return new ReadMark(env, cs.dialect(), before);
        }
    }

    /**
     * Whether a streamed change with the source's reported commit time is certainly in a read taken
     * at {@code mark}: PostgreSQL reports commit times to the millisecond; binlog times are cut to
     * the second, so only changes a whole second older are certain.
     */
    public static boolean alreadyRead(ReadMark mark, Instant reportedCommit) {
        if (mark == null) {
            return false;
        }
        if (mark.dialect() == Dialect.POSTGRESQL) {
            return reportedCommit.isBefore(mark.before().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        }
        return !reportedCommit.plus(Duration.ofSeconds(1)).isAfter(mark.before());
    }
}
