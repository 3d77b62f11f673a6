package io.accountsync.apply;

import io.accountsync.capture.TransactionIds;
import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.ErrorClass;
import io.accountsync.connect.SqlErrors;
import io.accountsync.model.Dialect;
import io.accountsync.model.Patch;
import io.accountsync.profile.ColumnLimits;
import io.accountsync.profile.Profile;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.ExecuteListener;
import org.jooq.Query;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes patches into an environment's database through jOOQ, one transaction per batch, over one
 * connection that is re-opened after a failure. Not thread-safe: one writer per apply worker.
 */
public final class JdbcPatchWriter implements PatchWriter {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcPatchWriter.class);
    /**
     * How long one statement waits for a row lock held by another transaction (an application's, a backup's). Without
     * it a PostgreSQL write would wait for as long as the lock is held, with nothing to show for it; this way the
     * batch fails as retriable (SQLState 55P03, MariaDB/MySQL 1205), counts as an apply error, and is retried with
     * backoff until the lock is gone. Short, because the apply worker holds the environment's echo gate while it
     * writes, and that holds back the capture of the same environment (DbFaultsIT saw capture lag follow the wait).
     */
    static final int LOCK_TIMEOUT_SECONDS = 5;

    /**
     * Starts every statement with {@link TransactionIds#TAG}: MariaDB logs the text with the rows, and the capture
     * knows the transaction as accountsync's own from it (a PostgreSQL log does not carry it; there it only names
     * accountsync's statements in the server's own views and logs).
     */
    private static final ExecuteListener TAG_STATEMENTS = ExecuteListener.onRenderEnd(ctx -> ctx.sql(TransactionIds.TAG + ctx.sql()));

    private final String env;
    private final ConnectionSettings connection;
    private final Profile profile;
    private Connection jdbc;
    private ColumnLimits limits = ColumnLimits.NONE;

    public JdbcPatchWriter(String env, ConnectionSettings connection, Profile profile) {
        this.env = env;
        this.connection = connection;
        this.profile = profile;
    }

    private Connection connection() throws SQLException {
        if (jdbc == null || jdbc.isClosed()) {
            java.util.Properties properties = connection.jdbcProperties();
            if (connection.dialect() == Dialect.MARIADB) {
                // A batch (see StatementBatches) goes pipelined, statement by statement, each with its row count: the
                // bulk protocol refuses INSERT ... SELECT ("not supported in the prepared statement protocol yet").
                properties.setProperty("useBulkStmts", "false");
                properties.setProperty("useBulkStmtsForInserts", "false");
            }
            jdbc = DriverManager.getConnection(connection.jdbcUrl(), properties);
            jdbc.setAutoCommit(false);
            try (Statement st = jdbc.createStatement()) {
                st.execute(connection.dialect() == Dialect.POSTGRESQL ? "SET lock_timeout = '" + LOCK_TIMEOUT_SECONDS + "s'"
                        : "SET SESSION innodb_lock_wait_timeout = " + LOCK_TIMEOUT_SECONDS);
            }
            limits = JdbcColumnLimits.load(jdbc, connection.dialect(), profile.writtenTables());
            jdbc.commit();
            LOG.info("connected to {} for writing", connection.describe());
        }
        return jdbc;
    }

    /** Connects (if not yet) and reads the column limits; throws a classified error when it cannot. */
    public void open() throws ApplyException {
        try {
            connection();
        } catch (SQLException e) {
            throw failure("connect", e);
        }
    }

    @Override
    public ColumnLimits limits() {
        return limits;
    }

    @Override
    public boolean refreshLimits() {
        try {
            Connection c = connection();
            limits = JdbcColumnLimits.load(c, connection.dialect(), profile.writtenTables());
            c.commit();
            return true;
        } catch (SQLException e) {
            rollbackQuietly();
            return false;   // the write that follows meets the same problem and classifies it
        }
    }

    @Override
    public WriteResult write(List<Patch> patches, Consumer<String> ownTransaction,
                             java.util.concurrent.locks.Lock commitWindow) throws ApplyException {
        Dialect dialect = connection.dialect();
        try {
            Connection c = connection();
            DSLContext dsl = DSL.using(new DefaultConfiguration().set(c).set(Dialects.jooq(dialect))
                    .set(Dialects.settings()).set(TAG_STATEMENTS));
            List<List<Query>> perPatch = new ArrayList<>(patches.size());
            List<Long> accounts = new ArrayList<>(patches.size());
            int statements = 0;
            for (Patch patch : patches) {
                List<Query> qs = profile.write(dsl, patch, limits);
                perPatch.add(qs);
                accounts.add(patch.globalId());
                statements += qs.size();
            }
            StatementBatches.Counts counts = StatementBatches.execute(dsl, perPatch, accounts);
            int rows = counts.rows();
            String txId = null;
            // MySQL offers no SQL for the session's own GTID: there echoes die by value equality alone.
            boolean tracked = dialect != Dialect.MYSQL;
            boolean afterCommit = TransactionIds.readAfterCommit(dialect);
            // A driver that reports a batch's rows as unknown counts as having written: reading the id of a transaction
            // that wrote nothing is harmless (PostgreSQL assigns one; MariaDB's is this session's last, ours too).
            boolean wrote = rows > 0 || counts.unknown();
            if (wrote && tracked && !afterCommit) {
                txId = TransactionIds.read(c, dialect);
                if (txId != null) {
                    ownTransaction.accept(txId);
                }
            }
            if (wrote && tracked && afterCommit) {
                // The echo may be captured as soon as the commit is visible: judged only once its id is known.
                commitWindow.lock();
                try {
                    c.commit();
                    txId = TransactionIds.read(c, dialect);
                    c.commit();
                    if (txId != null) {   // null: a server without a binary log, which nothing captures
                        ownTransaction.accept(txId);
                    }
                } finally {
                    commitWindow.unlock();
                }
            } else {
                c.commit();
            }
            return new WriteResult(statements, rows, txId);
        } catch (SQLException | DataAccessException e) {
            rollbackQuietly();
            throw failure("write", e);
        } catch (RuntimeException e) {
            // The caller could not record the transaction as its own (state store): it must not commit unrecorded.
            rollbackQuietly();
            throw e;
        }
    }

    private ApplyException failure(String what, Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        ErrorClass cls = SqlErrors.classify(e, connection.dialect());
        if (cls != ErrorClass.PERMANENT_VALUE) {
            closeQuietly();
        }
        String msg = what + " failed on " + env + " (" + cls.name().toLowerCase(java.util.Locale.ROOT) + "): "
                + root.getClass().getSimpleName() + ": " + sanitize(root.getMessage());
        return new ApplyException(cls, SqlErrors.isRowBusy(e, connection.dialect()), msg, null);
    }

    private String sanitize(String message) {
        if (message == null) {
            return "";
        }
        String pw = connection.password().reveal();
        String m = pw.isEmpty() ? message : message.replace(pw, io.accountsync.connect.Secret.HIDDEN);
        return m.length() > 500 ? m.substring(0, 500) + "..." : m;
    }

    private void rollbackQuietly() {
        try {
            if (jdbc != null && !jdbc.isClosed()) {
                jdbc.rollback();
            }
        } catch (SQLException ignored) {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        try {
            if (jdbc != null) {
                jdbc.close();
            }
        } catch (SQLException ignored) {
            // already broken
        }
        jdbc = null;
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
