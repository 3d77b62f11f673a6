package io.accountsync.doctor;

import io.accountsync.connect.ConnectionSettings;
import io.accountsync.model.Dialect;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first three checks of every environment: the server answers ({@code reachable}), accepts the
 * login ({@code credentials}) and has the database ({@code database}). A failed connection attempt
 * is classified by its cause and SQLState/vendor code into the one check that failed.
 */
final class ConnectionChecks {
    static final String REACHABLE = "reachable";
    static final String CREDENTIALS = "credentials";
    static final String DATABASE = "database";
    static final String DIALECT = "dialect";
    /** How long the protocol probe waits for an answer. */
    private static final int PROBE_TIMEOUT_MS = 3000;

    // MariaDB/MySQL name the account the server saw: Access denied for user 'u'@'h'
    private static final Pattern MY_ACCOUNT = Pattern.compile("for user '([^']*)'@'([^']*)'");

    private ConnectionChecks() {
    }

    /** Opens a connection, adding the three checks to {@code out}; null when it could not. */
    static Connection connect(EnvSpec spec, List<Check> out) {
        ConnectionSettings cs = spec.connection();
        Properties props = cs.jdbcProperties();
        // A server that accepts the connection and then says nothing must not hang the doctor.
        props.setProperty("socketTimeout", spec.dialect() == Dialect.POSTGRESQL ? "30" : "30000");
        if (spec.dialect().isMysqlFamily()) {
            // A MariaDB/MySQL driver on a PostgreSQL port waits for a greeting until its socket
            // timeout: ask the port first (a MariaDB/MySQL server greets at once, so this costs nothing).
            Check wrong = wrongDialect(spec);
            if (wrong != null) {
                out.add(reached(spec));
                out.add(wrong);
                return null;
            }
        }
        long start = System.nanoTime();
        Connection c;
        try {
            c = DriverManager.getConnection(cs.jdbcUrl(), props);
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (spec.dialect() == Dialect.POSTGRESQL && networkCause(e) == null && (state.isEmpty() || state.startsWith("08"))) {
                // Something answered, but not as PostgreSQL expects (a MariaDB port gives "SSL error").
                Check wrong = wrongDialect(spec);
                if (wrong != null) {
                    out.add(reached(spec));
                    out.add(wrong);
                    return null;
                }
            }
            out.addAll(failure(spec, e));
            return null;
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        out.add(Check.ok(spec.env(), REACHABLE, cs.host() + ":" + cs.port() + " answered (login took " + ms + " ms)"));
        out.add(Check.ok(spec.env(), CREDENTIALS, "logged in as " + cs.user()));
        out.add(Check.ok(spec.env(), DATABASE, cs.database() + " exists"));
        return c;
    }

    /** The checks a failed connection attempt yields: the ones that passed, then the one that failed. */
    static List<Check> failure(EnvSpec spec, SQLException e) {
        String env = spec.env();
        ConnectionSettings cs = spec.connection();
        String where = cs.host() + ":" + cs.port();
        String message = Sql.message(e, cs.password());
        List<Check> out = new ArrayList<>();
        Throwable network = networkCause(e);
        if (network instanceof UnknownHostException) {
            out.add(Check.fail(env, REACHABLE, "host " + cs.host() + " is unknown (" + message + ")",
                    "check connection.host: " + cs.host() + " does not resolve (DNS, /etc/hosts)"));
            return out;
        }
        if (network instanceof ConnectException) {
            out.add(Check.fail(env, REACHABLE, "Connection refused at " + where + ": nothing listens there",
                    "check connection.host and connection.port (now " + where + ") and that the server runs\n"
                            + listenHint(spec.dialect(), cs.port())));
            return out;
        }
        if (network != null) {
            out.add(Check.fail(env, REACHABLE, "no answer from " + where + " (" + message + ")",
                    "check that the host is up and no firewall drops connections to port " + cs.port() + "\n"
                            + listenHint(spec.dialect(), cs.port())));
            return out;
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        boolean my = spec.dialect().isMysqlFamily();
        if (state.startsWith("28") || (my && code == 1045)) {
            out.add(reached(spec));
            out.add(Check.fail(env, CREDENTIALS, "login refused: " + message, credentialsHint(spec, message)));
            return out;
        }
        if ((!my && state.equals("3D000")) || (my && code == 1049)) {
            out.add(reached(spec));
            out.add(Check.ok(env, CREDENTIALS, "logged in as " + cs.user()));
            out.add(Check.fail(env, DATABASE, "database " + cs.database() + " does not exist",
                    "check connection.database, or create it: CREATE DATABASE "
                            + (my ? Sql.myIdent(cs.database()) : Sql.pgIdent(cs.database())) + ";"));
            return out;
        }
        if (!my && state.equals("42501")) {
            out.add(reached(spec));
            out.add(Check.ok(env, CREDENTIALS, "logged in as " + cs.user()));
            out.add(Check.fail(env, DATABASE, cs.user() + " may not connect to database " + cs.database() + ": " + message,
                    "GRANT CONNECT ON DATABASE " + Sql.pgIdent(cs.database()) + " TO " + Sql.pgIdent(cs.user()) + ";"));
            return out;
        }
        if (my && code == 1044) {
            out.add(reached(spec));
            out.add(Check.ok(env, CREDENTIALS, "logged in as " + cs.user()));
            out.add(Check.fail(env, DATABASE, cs.user() + " may not use database " + cs.database() + ": " + message,
                    "GRANT SELECT ON " + Sql.myIdent(cs.database()) + ".* TO " + account(cs.user(), message) + ";"));
            return out;
        }
        if (state.startsWith("08")) {
            out.add(Check.fail(env, REACHABLE, "cannot connect to " + where + ": " + message,
                    "check connection.host and connection.port and the server's log\n" + listenHint(spec.dialect(), cs.port())));
            return out;
        }
        out.add(reached(spec));
        out.add(Check.fail(env, CREDENTIALS, "the login failed: " + message,
                "see the server's log for why " + cs.user() + " cannot log in to " + cs.database()));
        return out;
    }

    /** A FAIL {@code dialect} check when the port speaks the other family's protocol, else null. */
    static Check wrongDialect(EnvSpec spec) {
        ConnectionSettings cs = spec.connection();
        ServerProbe.Result r = ServerProbe.probe(cs.host(), cs.port(), PROBE_TIMEOUT_MS);
        boolean mismatch = spec.dialect() == Dialect.POSTGRESQL ? r.kind() == ServerProbe.Kind.MYSQL_FAMILY
                : r.kind() == ServerProbe.Kind.POSTGRESQL;
        if (!mismatch) {
            return null;
        }
        String where = cs.host() + ":" + cs.port();
        String other = r.kind() == ServerProbe.Kind.POSTGRESQL ? "postgresql"
                : r.version() != null && r.version().toLowerCase(Locale.ROOT).contains("mariadb") ? "mariadb" : "mysql";
        return Check.fail(spec.env(), DIALECT, where + " is " + r.describe() + ", but the dialect is "
                        + spec.dialect().configName() + ": wrong dialect for this port",
                "environments." + spec.env() + ".dialect: " + other + "  (if this is the server you mean)\n"
                        + "or connection.port: the " + spec.dialect().configName() + " server's port (default "
                        + (spec.dialect() == Dialect.POSTGRESQL ? 5432 : 3306) + ")");
    }

    private static Check reached(EnvSpec spec) {
        return Check.ok(spec.env(), REACHABLE, spec.connection().host() + ":" + spec.connection().port() + " answered");
    }

    private static String listenHint(Dialect dialect, int port) {
        if (dialect == Dialect.POSTGRESQL) {
            return "postgresql.conf: listen_addresses = '*' (or this address) and port = " + port
                    + ", then restart PostgreSQL";
        }
        return "my.cnf [mysqld]: bind-address = 0.0.0.0 (or this address), port = " + port
                + ", no skip-networking; then restart the server";
    }

    private static String credentialsHint(EnvSpec spec, String message) {
        ConnectionSettings cs = spec.connection();
        if (spec.dialect().isMysqlFamily()) {
            String account = account(cs.user(), message);
            return "check connection.password (or password_file) of user " + cs.user() + "\n"
                    + "the server looks the login up as " + account + "; an account must exist for that host:\n"
                    + "CREATE USER " + account + " IDENTIFIED BY '…';  -- or: ALTER USER " + account + " IDENTIFIED BY '…';";
        }
        String user = Sql.pgIdent(cs.user());
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("pg_hba.conf")) {
            return "pg_hba.conf needs a line for this client, e.g.: host  " + cs.database() + "  " + cs.user()
                    + "  <client address>/32  scram-sha-256\nthen reload: SELECT pg_reload_conf();";
        }
        if (lower.contains("not permitted to log in")) {
            return "ALTER ROLE " + user + " LOGIN;";
        }
        return "check connection.password (or password_file) of role " + cs.user() + "; to set it on the server:\n"
                + "ALTER ROLE " + user + " PASSWORD '…';  -- the role must exist: CREATE ROLE " + user + " LOGIN PASSWORD '…';";
    }

    /** The account the server named in its message, else {@code 'user'@'%'}. */
    private static String account(String user, String message) {
        Matcher m = MY_ACCOUNT.matcher(message);
        return m.find() ? Sql.myAccount(m.group(1), m.group(2)) : Sql.myAccount(user, "%");
    }

    private static Throwable networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof ConnectException
                    || t instanceof SocketTimeoutException || t instanceof NoRouteToHostException) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
