package io.accountsync.testsupport.apps;

import io.accountsync.model.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Trac 1.4/1.6 database (schema version 45) as Trac's own backends create it, and helpers that
 * change accounts the way Trac and AccountManager do — same statements, same transactions — so that
 * what capture sees is what a real Trac produces (see APP-SCHEMAS.md §1).
 *
 * <p>Tables: {@code system}, {@code permission}, {@code auth_cookie}, {@code session},
 * {@code session_attribute} and {@code ticket} (whose {@code owner}/{@code reporter} hold usernames),
 * with Trac's generic types ({@code text}: PostgreSQL text, MySQL mediumtext; {@code int}; {@code int64}:
 * bigint), multi-column keys as {@code <table>_pk} on PostgreSQL and length-prefixed on MySQL, and
 * indexes named {@code <table>_<cols>_idx}. On MariaDB the database's collation becomes
 * {@code utf8mb4_bin}, which Trac insists on (usernames compare byte-exact). On PostgreSQL the two
 * account tables get {@code REPLICA IDENTITY FULL}, which capture needs. Tables go into the
 * connection's current schema/database, named with {@code prefix} (empty for Trac's default).
 */
public final class TracFixture {

    /** Key prefix length Trac's MySQL backend uses for text key columns with utf8mb4 (767 / 4). */
    private static final int KEY_PREFIX = 191;

    private TracFixture() {
    }

    /** Creates Trac's tables, its version rows and its default permissions. */
    public static void create(Connection c, Dialect d, String prefix) throws SQLException {
        String p = prefix == null ? "" : prefix;
        List<String> ddl = new ArrayList<>();
        if (d == Dialect.POSTGRESQL) {
            ddl.add("CREATE TABLE " + q(d, p + "system") + " (\n    \"name\" text PRIMARY KEY,\n    \"value\" text\n)");
            ddl.add(pgTable(p, "permission", "\"username\" text", "\"action\" text")
                    + pgKey(p, "permission", "username", "action"));
            ddl.add(pgTable(p, "auth_cookie", "\"cookie\" text", "\"name\" text", "\"ipnr\" text", "\"time\" int")
                    + pgKey(p, "auth_cookie", "cookie", "ipnr", "name"));
            ddl.add(pgTable(p, "session", "\"sid\" text", "\"authenticated\" int", "\"last_visit\" int")
                    + pgKey(p, "session", "sid", "authenticated"));
            ddl.add(index(d, p, "session", "last_visit"));
            ddl.add(index(d, p, "session", "authenticated"));
            ddl.add(pgTable(p, "session_attribute", "\"sid\" text", "\"authenticated\" int", "\"name\" text",
                    "\"value\" text") + pgKey(p, "session_attribute", "sid", "authenticated", "name"));
            ddl.add("CREATE TABLE " + q(d, p + "ticket") + " (\n    \"id\" SERIAL PRIMARY KEY,\n    \"type\" text,\n"
                    + "    \"time\" bigint,\n    \"changetime\" bigint,\n    \"component\" text,\n    \"severity\" text,\n"
                    + "    \"priority\" text,\n    \"owner\" text,\n    \"reporter\" text,\n    \"cc\" text,\n"
                    + "    \"version\" text,\n    \"milestone\" text,\n    \"status\" text,\n    \"resolution\" text,\n"
                    + "    \"summary\" text,\n    \"description\" text,\n    \"keywords\" text\n)");
            ddl.add(index(d, p, "ticket", "time"));
            ddl.add(index(d, p, "ticket", "status"));
            ddl.add("ALTER TABLE " + q(d, p + "session") + " REPLICA IDENTITY FULL");
            ddl.add("ALTER TABLE " + q(d, p + "session_attribute") + " REPLICA IDENTITY FULL");
        } else {
            ddl.add("ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            ddl.add("CREATE TABLE " + q(d, p + "system") + " (\n    `name` mediumtext,\n    `value` mediumtext,\n"
                    + "    PRIMARY KEY (`name`(" + KEY_PREFIX + "))\n)");
            ddl.add("CREATE TABLE " + q(d, p + "permission") + " (\n    `username` mediumtext,\n    `action` mediumtext,\n"
                    + "    PRIMARY KEY (`username`(" + KEY_PREFIX + "),`action`(" + KEY_PREFIX + "))\n)");
            ddl.add("CREATE TABLE " + q(d, p + "auth_cookie") + " (\n    `cookie` mediumtext,\n    `name` mediumtext,\n"
                    + "    `ipnr` mediumtext,\n    `time` int,\n    PRIMARY KEY (`cookie`(" + KEY_PREFIX + "),`ipnr`("
                    + KEY_PREFIX + "),`name`(" + KEY_PREFIX + "))\n)");
            ddl.add("CREATE TABLE " + q(d, p + "session") + " (\n    `sid` mediumtext,\n    `authenticated` int,\n"
                    + "    `last_visit` int,\n    PRIMARY KEY (`sid`(" + KEY_PREFIX + "),`authenticated`)\n)");
            ddl.add(index(d, p, "session", "last_visit"));
            ddl.add(index(d, p, "session", "authenticated"));
            ddl.add("CREATE TABLE " + q(d, p + "session_attribute") + " (\n    `sid` mediumtext,\n"
                    + "    `authenticated` int,\n    `name` mediumtext,\n    `value` mediumtext,\n"
                    + "    PRIMARY KEY (`sid`(" + KEY_PREFIX + "),`authenticated`,`name`(" + KEY_PREFIX + "))\n)");
            ddl.add("CREATE TABLE " + q(d, p + "ticket") + " (\n    `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,\n"
                    + "    `type` mediumtext,\n    `time` bigint,\n    `changetime` bigint,\n    `component` mediumtext,\n"
                    + "    `severity` mediumtext,\n    `priority` mediumtext,\n    `owner` mediumtext,\n"
                    + "    `reporter` mediumtext,\n    `cc` mediumtext,\n    `version` mediumtext,\n"
                    + "    `milestone` mediumtext,\n    `status` mediumtext,\n    `resolution` mediumtext,\n"
                    + "    `summary` mediumtext,\n    `description` mediumtext,\n    `keywords` mediumtext,\n"
                    + "    PRIMARY KEY (`id`)\n)");
            ddl.add(index(d, p, "ticket", "time"));
            ddl.add("CREATE  INDEX " + q(d, p + "ticket_status_idx") + " ON " + q(d, p + "ticket") + " (`status`("
                    + KEY_PREFIX + "))");
        }
        inTransaction(c, () -> {
            try (Statement st = c.createStatement()) {
                for (String sql : ddl) {
                    st.execute(sql);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + q(d, p + "system") + " VALUES (?,?)")) {
                for (String name : List.of("database_version", "initial_database_version")) {
                    ps.setString(1, name);
                    ps.setString(2, "45");
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + q(d, p + "permission") + " VALUES (?,?)")) {
                for (String[] row : DEFAULT_PERMISSIONS) {
                    ps.setString(1, row[0]);
                    ps.setString(2, row[1]);
                    ps.executeUpdate();
                }
            }
        });
    }

    /** Trac's default permissions ({@code trac/db_default.py}). */
    private static final String[][] DEFAULT_PERMISSIONS = {
            {"anonymous", "LOG_VIEW"}, {"anonymous", "FILE_VIEW"}, {"anonymous", "WIKI_VIEW"},
            {"authenticated", "WIKI_CREATE"}, {"authenticated", "WIKI_MODIFY"}, {"anonymous", "SEARCH_VIEW"},
            {"anonymous", "REPORT_VIEW"}, {"anonymous", "REPORT_SQL_VIEW"}, {"anonymous", "TICKET_VIEW"},
            {"authenticated", "TICKET_CREATE"}, {"authenticated", "TICKET_MODIFY"}, {"anonymous", "BROWSER_VIEW"},
            {"anonymous", "TIMELINE_VIEW"}, {"anonymous", "CHANGESET_VIEW"}, {"anonymous", "ROADMAP_VIEW"},
            {"anonymous", "MILESTONE_VIEW"}};

    private static String pgTable(String p, String table, String... columns) {
        return "CREATE TABLE " + q(Dialect.POSTGRESQL, p + table) + " (\n    " + String.join(",\n    ", columns) + ",\n";
    }

    private static String pgKey(String p, String table, String... columns) {
        List<String> quoted = new ArrayList<>();
        for (String col : columns) {
            quoted.add(q(Dialect.POSTGRESQL, col));
        }
        return "    CONSTRAINT " + q(Dialect.POSTGRESQL, p + table + "_pk") + " PRIMARY KEY (" + String.join(",", quoted)
                + ")\n)";
    }

    private static String index(Dialect d, String p, String table, String column) {
        return "CREATE  INDEX " + q(d, p + table + "_" + column + "_idx") + " ON " + q(d, p + table) + " ("
                + q(d, column) + ")";
    }

    private static String q(Dialect d, String identifier) {
        return d == Dialect.POSTGRESQL ? '"' + identifier.replace("\"", "\"\"") + '"'
                : '`' + identifier.replace("`", "``") + '`';
    }

    // ------------------------------------------------------------------ Trac's own account operations

    /**
     * {@code trac-admin session add <sid> [name] [email]}: the session row, then the name and email
     * attributes, in one transaction (an empty or null name/email is not stored).
     */
    public static void addUser(Connection c, Dialect d, String prefix, String sid, String name, String email,
                               long lastVisitSeconds) throws SQLException {
        inTransaction(c, () -> {
            insertSession(c, d, prefix, sid, 1, lastVisitSeconds);
            if (name != null && !name.isEmpty()) {
                insertAttribute(c, d, prefix, sid, 1, "name", name);
            }
            if (email != null && !email.isEmpty()) {
                insertAttribute(c, d, prefix, sid, 1, "email", email);
            }
        });
    }

    /**
     * Trac's {@code DetachedSession.save()} for an authenticated session whose attributes changed:
     * in one transaction, delete all of the session's attribute rows and insert {@code attributes}.
     */
    public static void save(Connection c, Dialect d, String prefix, String sid, Map<String, String> attributes)
            throws SQLException {
        inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + q(d, p(prefix) + "session_attribute")
                    + " WHERE sid=? AND authenticated=?")) {
                ps.setString(1, sid);
                ps.setInt(2, 1);
                ps.executeUpdate();
            }
            for (Map.Entry<String, String> a : attributes.entrySet()) {
                insertAttribute(c, d, prefix, sid, 1, a.getKey(), a.getValue());
            }
        });
    }

    /** An anonymous visitor's session (authenticated = 0) with attributes, as Trac stores preferences. */
    public static void anonymous(Connection c, Dialect d, String prefix, String sid, Map<String, String> attributes,
                                 long lastVisitSeconds) throws SQLException {
        inTransaction(c, () -> {
            insertSession(c, d, prefix, sid, 0, lastVisitSeconds);
            for (Map.Entry<String, String> a : attributes.entrySet()) {
                insertAttribute(c, d, prefix, sid, 0, a.getKey(), a.getValue());
            }
        });
    }

    /**
     * AccountManager's {@code delete_user}: the user's rows of auth_cookie, session_attribute, session and
     * permission, in one transaction.
     */
    public static void deleteUser(Connection c, Dialect d, String prefix, String sid) throws SQLException {
        inTransaction(c, () -> {
            for (String[] tableColumn : new String[][] {{"auth_cookie", "name"}, {"session_attribute", "sid"},
                    {"session", "sid"}, {"permission", "username"}}) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + q(d, p(prefix) + tableColumn[0])
                        + " WHERE " + q(d, tableColumn[1]) + "=?")) {
                    ps.setString(1, sid);
                    ps.executeUpdate();
                }
            }
        });
    }

    /** A login cookie and a permission for a user, as Trac's login and {@code permission add} leave them. */
    public static void loginAndGrant(Connection c, Dialect d, String prefix, String sid, String action,
                                     long timeSeconds) throws SQLException {
        inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + q(d, p(prefix) + "auth_cookie")
                    + " (cookie, name, ipnr, time) VALUES (?,?,?,?)")) {
                ps.setString(1, Integer.toHexString((sid + timeSeconds).hashCode()) + Long.toHexString(timeSeconds));
                ps.setString(2, sid);
                ps.setString(3, "127.0.0.1");
                ps.setLong(4, timeSeconds);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + q(d, p(prefix) + "permission")
                    + " (username, action) VALUES (?,?)")) {
                ps.setString(1, sid);
                ps.setString(2, action);
                ps.executeUpdate();
            }
        });
    }

    /** A ticket reported by one user and owned by another ({@code time} in microseconds, as Trac keeps it). */
    public static void ticket(Connection c, Dialect d, String prefix, String reporter, String owner, String summary,
                              long timeMicros) throws SQLException {
        inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + q(d, p(prefix) + "ticket")
                    + " (type, time, changetime, component, priority, owner, reporter, cc, status, summary,"
                    + " description) VALUES ('defect',?,?,'component1','major',?,?,'','new',?,'')")) {
                ps.setLong(1, timeMicros);
                ps.setLong(2, timeMicros);
                ps.setString(3, owner);
                ps.setString(4, reporter);
                ps.setString(5, summary);
                ps.executeUpdate();
            }
        });
    }

    /**
     * Adds {@code n} generated people as Trac accounts ({@code session add} with their display name and
     * email), each with a ticket they reported, plus one anonymous session per three people.
     *
     * @return the people, in the order added
     */
    public static List<Person> populate(Connection c, Dialect d, String prefix, long seed, int n,
                                        long lastVisitSeconds) throws SQLException {
        List<Person> people = new PeopleGenerator(seed).people(n);
        for (int i = 0; i < people.size(); i++) {
            Person person = people.get(i);
            addUser(c, d, prefix, person.username(), person.displayName(), person.email(), lastVisitSeconds + i);
            ticket(c, d, prefix, person.username(), people.get((i + 1) % people.size()).username(),
                    "Ticket by " + person.displayName(), (lastVisitSeconds + i) * 1_000_000L);
            if (i % 3 == 0) {
                anonymous(c, d, prefix, anonymousSid(seed, i), Map.of("name", person.givenName()),
                        lastVisitSeconds + i);
            }
        }
        return people;
    }

    /** A 24-hex-character sid, the form of Trac's anonymous sessions. */
    public static String anonymousSid(long seed, int i) {
        String hex = Long.toHexString(seed * 31 + i) + "000000000000000000000000";
        return hex.substring(0, 24);
    }

    // ------------------------------------------------------------------ reading back

    /** The session's attribute rows (name → value) with the given authenticated flag, sorted by name. */
    public static Map<String, String> attributes(Connection c, Dialect d, String prefix, String sid, int authenticated)
            throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name, value FROM " + q(d, p(prefix) + "session_attribute")
                + " WHERE sid=? AND authenticated=?")) {
            ps.setString(1, sid);
            ps.setInt(2, authenticated);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /** The session rows with this sid: authenticated flag → last_visit. */
    public static Map<Integer, Long> sessions(Connection c, Dialect d, String prefix, String sid) throws SQLException {
        Map<Integer, Long> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT authenticated, last_visit FROM "
                + q(d, p(prefix) + "session") + " WHERE sid=?")) {
            ps.setString(1, sid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /** How many rows of {@code table} have {@code column} = {@code value}. */
    public static int count(Connection c, Dialect d, String prefix, String table, String column, String value)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + q(d, p(prefix) + table)
                + " WHERE " + q(d, column) + "=?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** An ordered attribute map, for {@link #save} calls that read like Trac's session dict. */
    public static Map<String, String> attrs(String... nameValuePairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < nameValuePairs.length; i += 2) {
            m.put(nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return m;
    }

    // ------------------------------------------------------------------ plumbing

    private static void insertSession(Connection c, Dialect d, String prefix, String sid, int authenticated,
                                      long lastVisit) throws SQLException {
        // Trac: INSERT INTO session VALUES (%s, %s, %s) — sid, authenticated, last_visit.
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + q(d, p(prefix) + "session") + " VALUES (?,?,?)")) {
            ps.setString(1, sid);
            ps.setInt(2, authenticated);
            ps.setLong(3, lastVisit);
            ps.executeUpdate();
        }
    }

    private static void insertAttribute(Connection c, Dialect d, String prefix, String sid, int authenticated,
                                        String name, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + q(d, p(prefix) + "session_attribute")
                + " (sid,authenticated,name,value) VALUES (?,?,?,?)")) {
            ps.setString(1, sid);
            ps.setInt(2, authenticated);
            ps.setString(3, name);
            ps.setString(4, value);
            ps.executeUpdate();
        }
    }

    private static String p(String prefix) {
        return prefix == null ? "" : prefix;
    }

    private interface Work {
        void run() throws SQLException;
    }

    /** Runs {@code work} as one transaction, leaving the connection's auto-commit as it was. */
    private static void inTransaction(Connection c, Work work) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            work.run();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
