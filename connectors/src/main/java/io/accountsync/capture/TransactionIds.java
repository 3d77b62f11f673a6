package io.accountsync.capture;

import io.accountsync.model.Dialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How accountsync learns the id of a transaction it writes, in the form {@link io.accountsync.model.RowChange#txId()}
 * later reports for that transaction's rows, so that it can recognise its own writes coming back (echoes).
 *
 * <ul>
 *   <li>PostgreSQL: run {@link #POSTGRESQL} inside the writing transaction (before COMMIT). Debezium reports the
 *       32-bit xid of pgoutput's BEGIN message; {@code txid_current()} is that xid extended with the wraparound
 *       epoch, so the remainder modulo 2<sup>32</sup> is the same number. It assigns the xid if the transaction has
 *       none yet, which is harmless in a transaction that writes anyway.</li>
 *   <li>MariaDB: run {@link #MARIADB} on the same connection right after COMMIT (autocommit statements count).
 *       {@code @@last_gtid} is the session's last committed GTID, {@code domain-server-sequence}, exactly the
 *       {@code gtid} field of Debezium's source block.</li>
 *   <li>MySQL: no SQL returns the session's own GTID (only the protocol's session-state tracking does), so
 *       {@link #ownTxIdSql} rejects it.</li>
 * </ul>
 *
 * <p>MariaDB also gets a second, crash-proof mark: every statement accountsync writes starts with {@link #TAG}, and
 * MariaDB logs each statement's text with its row events ({@code binlog_annotate_row_events}, on by default;
 * Debezium's {@code include.query}). The capture then reports such a transaction's id with {@link #OWN_MARK}
 * appended ({@link #tagged}), so its echoes are known even when the daemon was killed between the target's COMMIT
 * and recording the GTID. PostgreSQL needs no tag: the xid is known, and recorded durably, before COMMIT.
 */
public final class TransactionIds {

    /** PostgreSQL, inside the writing transaction: the xid as Debezium reports it. */
    public static final String POSTGRESQL = "select txid_current() % 4294967296";

    /** MariaDB, after COMMIT on the same connection: the transaction's GTID as Debezium reports it. */
    public static final String MARIADB = "select @@last_gtid";

    /** The comment every statement accountsync writes starts with (see the class comment). */
    public static final String TAG = "/* accountsync-apply */ ";

    /** Appended to the id of a captured transaction whose statements carried {@link #TAG}. */
    public static final String OWN_MARK = "+accountsync";

    private TransactionIds() {
    }

    /**
     * The transaction id to report for a captured row: {@code txId} with {@link #OWN_MARK} when the statement that
     * wrote the row (as the log recorded it; null when it records none) carried {@link #TAG}.
     */
    public static String tagged(String txId, String statement) {
        if (statement == null || !statement.startsWith(TAG) || txId == null) {
            return txId;
        }
        return txId + OWN_MARK;
    }

    /** Whether a captured transaction id says the transaction was written by accountsync ({@link #tagged}). */
    public static boolean isTagged(String txId) {
        return txId != null && txId.endsWith(OWN_MARK);
    }

    /**
     * The SQL whose single value, read as a string, equals {@code RowChange.txId()} of the rows the transaction
     * wrote.
     *
     * @throws UnsupportedOperationException for MySQL
     */
    public static String ownTxIdSql(Dialect dialect) {
        return switch (dialect) {
            case POSTGRESQL -> POSTGRESQL;
            case MARIADB -> MARIADB;
            case MYSQL -> throw new UnsupportedOperationException(
                    "MySQL has no SQL for the session's own GTID; accountsync cannot recognise its echoes there by txId");
        };
    }

    /**
     * Whether {@link #ownTxIdSql} must run after COMMIT on the same connection (MariaDB), rather than inside the
     * transaction before COMMIT (PostgreSQL).
     */
    public static boolean readAfterCommit(Dialect dialect) {
        return dialect.isMysqlFamily();
    }

    /**
     * Runs {@link #ownTxIdSql} on {@code connection} and returns its value as a string (null if the server has none,
     * e.g. MariaDB without a binary log). The caller picks the moment: see {@link #readAfterCommit}.
     */
    public static String read(Connection connection, Dialect dialect) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(ownTxIdSql(dialect))) {
            if (!rs.next()) {
                return null;
            }
            String id = rs.getString(1);
            return id == null || id.isEmpty() ? null : id;
        }
    }
}
