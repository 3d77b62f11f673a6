package io.accountsync.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One application of the demo farm on its own database: creates its account tables, adds the sample
 * accounts, reads accounts back, and edits them with the statements the application itself runs, so
 * that capture sees what a real installation produces.
 *
 * <p>People are named by a lower-case key ("tom"); each application stores the username in its own
 * form (MediaWiki: "Tom"), and accounts created by accountsync keep the form they came with, so
 * lookups compare lower case. One connection per application, used by one thread at a time.
 */
public abstract class DemoApp implements AutoCloseable {

    /** An account as the application shows it. */
    public record Account(String username, String displayName, String email, boolean verified) {
        /** "Tom Sawyer <tom@example.org>*": display name, address, a star when the address is verified. */
        public String cell() {
            String name = displayName == null || displayName.isEmpty() ? "(no name)" : displayName;
            String mail = email == null || email.isEmpty() ? "" : " <" + email + ">" + (verified ? "*" : "");
            return name + mail;
        }
    }

    /** What a sample person looks like in one application, and when they were last active there. */
    public record Sample(String key, String displayName, String email, boolean verified, long lastActiveEpochSecond) {
    }

    protected final Connection connection;

    protected DemoApp(Connection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    /** The environment name, which is also the profile type. */
    public abstract String env();

    /** The application, for people ("Trac 1.6 + AccountManager"). */
    public abstract String title();

    /** The database name. */
    public abstract String database();

    /** Adds a sample account the way the application registers users. */
    public abstract void add(Sample s) throws SQLException;

    /** The lower-case keys of the accounts accountsync syncs here, sorted. */
    public abstract List<String> keys() throws SQLException;

    /** The account with this key (compared lower case), if present. */
    public abstract Optional<Account> read(String key) throws SQLException;

    /**
     * Changes the display name the way the application does.
     *
     * @return how the application wrote it, for the demo's output
     */
    public abstract String rename(String key, String displayName) throws SQLException;

    /**
     * Changes the email address the way the application does.
     *
     * @return how the application wrote it, for the demo's output
     */
    public abstract String changeEmail(String key, String email) throws SQLException;

    /** Runs this application's DDL ({@code demo/<env>.sql}) in one transaction. */
    public void createSchema() throws SQLException, IOException {
        String resource = "/demo/" + env() + ".sql";
        String sql;
        try (InputStream in = DemoApp.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is missing from the jar");
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        inTransaction(() -> {
            try (Statement st = connection.createStatement()) {
                // One script, several statements: the PostgreSQL driver sends them as one simple query.
                st.execute(sql);
            }
            return null;
        });
    }

    protected static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    protected interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} as one transaction, as the applications do for one save. */
    protected <T> T inTransaction(Work<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
