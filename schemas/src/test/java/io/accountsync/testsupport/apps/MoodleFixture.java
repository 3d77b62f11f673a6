package io.accountsync.testsupport.apps;

import io.accountsync.model.Dialect;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A Moodle site's account tables (APP-SCHEMAS.md §3, Moodle 4.4/5.1 {@code install.xml}) on PostgreSQL
 * or MariaDB, and helpers that change them the way Moodle's own functions do: {@link #addUser}
 * ({@code user_create_user}), {@link #updateUser} ({@code user_update_user}: {@code timemodified}
 * only moves when something changed), {@link #suspend} (the admin's "suspend"), {@link #confirm}
 * ({@code set_field}, no bump) and {@link #deleteUser} ({@code delete_user}'s rewrite).
 *
 * <p>Tables are created as Moodle's XMLDB generators create them: {@code int(10)} → BIGINT,
 * {@code int(1..2)} → TINYINT(n) / SMALLINT, NOT NULL {@code char} columns without a default get
 * {@code DEFAULT ''}, unique keys and indexes become UNIQUE indexes named
 * {@code <prefix><table abbreviation>_<columns>_uix}, foreign keys plain indexes; MariaDB tables are
 * utf8mb4 with {@code utf8mb4_unicode_ci} (case-insensitive, as Moodle's installer makes them).
 * {@code <prefix>user} gets REPLICA IDENTITY FULL on PostgreSQL so capture sees before images.
 *
 * <p>The helpers take a plain JDBC connection to the site's database and leave its auto-commit as
 * they found it; each call is one transaction.
 */
public final class MoodleFixture {

    /** Moodle's default table prefix. */
    public static final String PREFIX = "mdl_";

    /** The tables besides {@code user} that hold a user's rows and that {@code delete_user()} empties. */
    public static final List<String> DEPENDENT_TABLES = List.of("user_preferences", "user_enrolments", "groups_members",
            "cohort_members", "user_info_data", "user_lastaccess");

    private static final String GUEST = "guest";

    /**
     * A user as {@code user_create_user()} receives it.
     *
     * @param username   the username; Moodle refuses upper case, so build it lower case
     * @param firstname  first name
     * @param lastname   last name ("" allowed by the column)
     * @param email      address, at most 100 characters
     * @param password   the stored hash ("" for none)
     * @param confirmed  whether the email is confirmed
     * @param mnethostid 1 for the site's own accounts; another value for MNet users of other hosts
     */
    public record User(String username, String firstname, String lastname, String email, String password,
                       boolean confirmed, long mnethostid) {

        /** A confirmed local account for a generated person, username lower-cased as Moodle forces it. */
        public static User of(Person p) {
            return new User(p.username().toLowerCase(Locale.ROOT), p.givenName(), p.familyName(), p.email(), "", true, 1);
        }

        public User withMnetHostId(long id) {
            return new User(username, firstname, lastname, email, password, confirmed, id);
        }

        public User withPassword(String hash) {
            return new User(username, firstname, lastname, email, hash, confirmed, mnethostid);
        }

        public User withConfirmed(boolean value) {
            return new User(username, firstname, lastname, email, password, value, mnethostid);
        }
    }

    private MoodleFixture() {
    }

    // ------------------------------------------------------------------------------------ schema

    /** Creates {@code <prefix>user} and the dependent tables with their indexes. */
    public static void create(Connection c, Dialect d, String prefix) throws SQLException {
        List<String> ddl = new ArrayList<>();
        String user = prefix + "user";
        ddl.add(table(d, user, List.of(
                "auth " + d(d, "VARCHAR(20)", "'manual'"),
                "confirmed " + tiny(d, 1, 0),
                "policyagreed " + tiny(d, 1, 0),
                "deleted " + tiny(d, 1, 0),
                "suspended " + tiny(d, 1, 0),
                "mnethostid " + big(d, 0),
                "username " + chr(d, 100),
                "password " + chr(d, 255),
                "idnumber " + chr(d, 255),
                "firstname " + chr(d, 100),
                "lastname " + chr(d, 100),
                "email " + chr(d, 100),
                "emailstop " + tiny(d, 1, 0),
                "phone1 " + chr(d, 20),
                "phone2 " + chr(d, 20),
                "institution " + chr(d, 255),
                "department " + chr(d, 255),
                "address " + chr(d, 255),
                "city " + chr(d, 120),
                "country " + chr(d, 2),
                "lang " + d(d, "VARCHAR(30)", "'en'"),
                "calendartype " + d(d, "VARCHAR(30)", "'gregorian'"),
                "theme " + chr(d, 50),
                "timezone " + d(d, "VARCHAR(100)", "'99'"),
                "firstaccess " + big(d, 0),
                "lastaccess " + big(d, 0),
                "lastlogin " + big(d, 0),
                "currentlogin " + big(d, 0),
                "lastip " + chr(d, 45),
                "secret " + chr(d, 15),
                "picture " + big(d, 0),
                "description " + (d == Dialect.POSTGRESQL ? "TEXT" : "LONGTEXT"),
                "descriptionformat " + tiny(d, 2, 1),
                "mailformat " + tiny(d, 1, 1),
                "maildigest " + tiny(d, 1, 0),
                "maildisplay " + tiny(d, 2, 2),
                "autosubscribe " + tiny(d, 1, 1),
                "trackforums " + tiny(d, 1, 0),
                "timecreated " + big(d, 0),
                "timemodified " + big(d, 0),
                "trustbitmask " + big(d, 0),
                "imagealt VARCHAR(255)",
                "lastnamephonetic VARCHAR(255)",
                "firstnamephonetic VARCHAR(255)",
                "middlename VARCHAR(255)",
                "alternatename VARCHAR(255)",
                "moodlenetprofile VARCHAR(255)")));
        ddl.add(index(d, prefix, "user", "mneuse", true, "mnethostid", "username"));
        for (String[] i : new String[][] {{"del", "deleted"}, {"con", "confirmed"}, {"fir", "firstname"},
                {"las", "lastname"}, {"cit", "city"}, {"cou", "country"}, {"las2", "lastaccess"}, {"ema", "email"},
                {"aut", "auth"}, {"idn", "idnumber"}, {"fir2", "firstnamephonetic"}, {"las3", "lastnamephonetic"},
                {"mid", "middlename"}, {"alt", "alternatename"}}) {
            ddl.add(index(d, prefix, "user", i[0], false, i[1]));
        }
        if (d == Dialect.POSTGRESQL) {
            ddl.add("ALTER TABLE " + user + " REPLICA IDENTITY FULL");
        }

        ddl.add(table(d, prefix + "user_preferences", List.of(
                "userid " + big(d, 0), "name " + chr(d, 255),
                "value " + (d == Dialect.POSTGRESQL ? "TEXT" : "LONGTEXT") + " NOT NULL")));
        ddl.add(index(d, prefix, "userpref", "usenam", true, "userid", "name"));
        ddl.add(index(d, prefix, "userpref", "nam", false, "name"));

        ddl.add(table(d, prefix + "user_enrolments", List.of(
                "status " + big(d, 0), "enrolid BIGINT NOT NULL", "userid BIGINT NOT NULL", "timestart " + big(d, 0),
                "timeend " + big(d, 2147483647L), "modifierid " + big(d, 0), "timecreated " + big(d, 0),
                "timemodified " + big(d, 0))));
        ddl.add(index(d, prefix, "userenro", "enruse", true, "enrolid", "userid"));
        ddl.add(index(d, prefix, "userenro", "enr", false, "enrolid"));
        ddl.add(index(d, prefix, "userenro", "use", false, "userid"));
        ddl.add(index(d, prefix, "userenro", "mod", false, "modifierid"));

        ddl.add(table(d, prefix + "groups_members", List.of(
                "groupid " + big(d, 0), "userid " + big(d, 0), "timeadded " + big(d, 0),
                "component " + chr(d, 100), "itemid " + big(d, 0))));
        ddl.add(index(d, prefix, "groumemb", "usegro", true, "userid", "groupid"));
        ddl.add(index(d, prefix, "groumemb", "gro", false, "groupid"));
        ddl.add(index(d, prefix, "groumemb", "use", false, "userid"));

        ddl.add(table(d, prefix + "cohort_members", List.of(
                "cohortid " + big(d, 0), "userid " + big(d, 0), "timeadded " + big(d, 0))));
        ddl.add(index(d, prefix, "cohomemb", "cohuse", true, "cohortid", "userid"));
        ddl.add(index(d, prefix, "cohomemb", "coh", false, "cohortid"));
        ddl.add(index(d, prefix, "cohomemb", "use", false, "userid"));

        ddl.add(table(d, prefix + "user_info_data", List.of(
                "userid " + big(d, 0), "fieldid " + big(d, 0),
                "data " + (d == Dialect.POSTGRESQL ? "TEXT" : "LONGTEXT") + " NOT NULL", "dataformat " + tiny(d, 2, 0))));
        ddl.add(index(d, prefix, "userinfodata", "usefie", true, "userid", "fieldid"));

        ddl.add(table(d, prefix + "user_lastaccess", List.of(
                "userid " + big(d, 0), "courseid " + big(d, 0), "timeaccess " + big(d, 0))));
        ddl.add(index(d, prefix, "userlast", "usecou", true, "userid", "courseid"));
        ddl.add(index(d, prefix, "userlast", "use", false, "userid"));
        ddl.add(index(d, prefix, "userlast", "cou", false, "courseid"));

        try (Statement st = c.createStatement()) {
            for (String sql : ddl) {
                st.execute(sql);
            }
        }
    }

    private static String table(Dialect d, String name, List<String> columns) {
        String id = d == Dialect.POSTGRESQL ? "id BIGSERIAL PRIMARY KEY" : "id BIGINT(10) NOT NULL AUTO_INCREMENT PRIMARY KEY";
        String tail = d == Dialect.POSTGRESQL ? ""
                : " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci ROW_FORMAT=DYNAMIC";
        return "CREATE TABLE " + q(d, name) + " (" + id + ", " + String.join(", ", columns) + ")" + tail;
    }

    private static String index(Dialect d, String prefix, String abbreviation, String columnsAbbreviation, boolean unique,
                                String... columns) {
        String table = switch (abbreviation) {
            case "user" -> "user";
            case "userpref" -> "user_preferences";
            case "userenro" -> "user_enrolments";
            case "groumemb" -> "groups_members";
            case "cohomemb" -> "cohort_members";
            case "userinfodata" -> "user_info_data";
            case "userlast" -> "user_lastaccess";
            default -> throw new IllegalArgumentException(abbreviation);
        };
        return "CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + prefix + abbreviation + "_" + columnsAbbreviation
                + (unique ? "_uix" : "_ix") + " ON " + q(d, prefix + table) + " (" + String.join(", ", columns) + ")";
    }

    /** NOT NULL char(n) without a default: the generators give it DEFAULT ''. */
    private static String chr(Dialect d, int n) {
        return "VARCHAR(" + n + ") NOT NULL DEFAULT ''";
    }

    private static String d(Dialect d, String type, String def) {
        return type + " NOT NULL DEFAULT " + def;
    }

    private static String tiny(Dialect d, int length, int def) {
        return (d == Dialect.POSTGRESQL ? "SMALLINT" : "TINYINT(" + length + ")") + " NOT NULL DEFAULT " + def;
    }

    private static String big(Dialect d, long def) {
        return (d == Dialect.POSTGRESQL ? "BIGINT" : "BIGINT(10)") + " NOT NULL DEFAULT " + def;
    }

    private static String q(Dialect d, String name) {
        return d == Dialect.POSTGRESQL ? "\"" + name + "\"" : "`" + name + "`";
    }

    // ------------------------------------------------------------------------------------ Moodle's functions

    /** {@code user_create_user()} now. */
    public static long addUser(Connection c, String prefix, User u) throws SQLException {
        return addUser(c, prefix, u, now());
    }

    /**
     * {@code user_create_user()} at {@code time} (Unix seconds): the preference defaults, timecreated =
     * timemodified = time; refuses what Moodle refuses (upper case or blank usernames) and what the
     * column cannot hold (an email over 100 characters).
     *
     * @return the new user's id
     */
    public static long addUser(Connection c, String prefix, User u, long time) throws SQLException {
        if (u.username().isBlank()) {
            throw new IllegalArgumentException("invalidusernameblank");
        }
        if (!u.username().equals(u.username().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("usernamelowercase: " + u.username());
        }
        if (u.email().codePointCount(0, u.email().length()) > 100) {
            throw new IllegalArgumentException("an email over 100 characters does not fit mdl_user.email");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("auth", "manual");
        row.put("confirmed", u.confirmed() ? 1 : 0);
        row.put("mnethostid", u.mnethostid());
        row.put("username", u.username());
        row.put("password", u.password());
        row.put("idnumber", "");
        row.put("firstname", u.firstname());
        row.put("lastname", u.lastname());
        row.put("email", u.email());
        row.put("calendartype", "gregorian");
        row.put("maildisplay", 2);
        row.put("mailformat", 1);
        row.put("maildigest", 0);
        row.put("autosubscribe", 1);
        row.put("trackforums", 0);
        row.put("lang", "en");
        row.put("city", "");
        row.put("country", "");
        row.put("timecreated", time);
        row.put("timemodified", time);
        String sql = "INSERT INTO " + q(c, prefix + "user") + " (" + String.join(", ", row.keySet()) + ") VALUES ("
                + String.join(", ", java.util.Collections.nCopies(row.size(), "?")) + ")";
        return inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(sql, new String[] {"id"})) {
                bind(ps, new ArrayList<>(row.values()));
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /**
     * {@code user_update_user()}: compares each given attribute with the stored row and, if any
     * differs, updates the changed ones and sets {@code timemodified = time}; nothing at all when
     * nothing differs.
     *
     * @return whether the row changed
     */
    public static boolean updateUser(Connection c, String prefix, long id, Map<String, ?> attributes, long time)
            throws SQLException {
        Object username = attributes.get("username");
        if (username instanceof String s && !s.equals(s.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("usernamelowercase: " + s);
        }
        return inTransaction(c, () -> {
            Map<String, Object> current = row(c, prefix, id);
            Map<String, Object> changed = new LinkedHashMap<>();
            attributes.forEach((k, v) -> {
                if (!k.equals("timemodified") && current.containsKey(k) && !same(current.get(k), v)) {
                    changed.put(k, v);
                }
            });
            if (changed.isEmpty()) {
                return false;
            }
            changed.put("timemodified", time);
            List<Object> args = new ArrayList<>(changed.values());
            args.add(id);
            StringBuilder set = new StringBuilder();
            changed.keySet().forEach(k -> set.append(set.length() == 0 ? "" : ", ").append(k).append(" = ?"));
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + q(c, prefix + "user") + " SET " + set + " WHERE id = ?")) {
                bind(ps, args);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** The admin's "suspend" action: {@code user_update_user(suspended = 1)}, so timemodified moves. */
    public static boolean suspend(Connection c, String prefix, long id, long time) throws SQLException {
        return updateUser(c, prefix, id, Map.of("suspended", 1), time);
    }

    /** Confirms the email as {@code auth_email::user_confirm()} does: {@code set_field}, timemodified stays. */
    public static void confirm(Connection c, String prefix, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + q(c, prefix + "user") + " SET confirmed = 1 WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    /** A login: {@code lastaccess}, {@code currentlogin} and {@code lastip} move, nothing accountsync syncs. */
    public static void login(Connection c, String prefix, long id, long time) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + q(c, prefix + "user")
                + " SET lastaccess = ?, lastlogin = currentlogin, currentlogin = ?, lastip = '192.0.2.7' WHERE id = ?")) {
            ps.setLong(1, time);
            ps.setLong(2, time);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    /**
     * {@code delete_user()} at {@code time}: removes the user's rows from the dependent tables, then
     * keeps the row with {@code deleted = 1}, the username
     * {@code <email or username.id@unknownemail.invalid, cleaned, cut to 89>.<time>} (the time counted
     * up while the name is taken), {@code email = md5(old username)}, {@code idnumber = ''},
     * {@code picture = 0}, {@code timemodified = time}. Refuses the guest, as Moodle does.
     *
     * @return the rewritten username
     */
    public static String deleteUser(Connection c, String prefix, long id, long time) throws SQLException {
        return inTransaction(c, () -> {
            Map<String, Object> u = row(c, prefix, id);
            String username = (String) u.get("username");
            if (GUEST.equals(username)) {
                throw new IllegalArgumentException("Guest user account can not be deleted.");
            }
            for (String t : List.of("cohort_members", "groups_members", "user_enrolments", "user_preferences",
                    "user_info_data", "user_lastaccess")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + q(c, prefix + t) + " WHERE userid = ?")) {
                    ps.setLong(1, id);
                    ps.executeUpdate();
                }
            }
            String email = (String) u.get("email");
            String source = email == null || email.isEmpty() || email.equals("0")
                    ? username + "." + id + "@unknownemail.invalid" : email;
            String head = cleanUsername(source);
            head = head.substring(0, Math.min(head.length(), 89));
            String name;
            long suffix = time;
            do {
                name = String.format("%s.%10d", head, suffix++);
            } while (exists(c, prefix, name));
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + q(c, prefix + "user")
                    + " SET deleted = 1, username = ?, email = ?, idnumber = '', picture = 0, timemodified = ? WHERE id = ?")) {
                ps.setString(1, name);
                ps.setString(2, md5(username));
                ps.setLong(3, time);
                ps.setLong(4, id);
                ps.executeUpdate();
            }
            return name;
        });
    }

    /** {@code clean_param(PARAM_USERNAME)} without {@code extendedusernamechars}. */
    public static String cleanUsername(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replaceAll("[^-.@_a-z0-9]", "");
    }

    /** PHP's {@code md5()}: lower-case hex of the UTF-8 bytes. */
    public static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Gives the user one row in every dependent table (a preference, an enrolment, a group, a cohort, ...). */
    public static void addDependents(Connection c, String prefix, long userid) throws SQLException {
        inTransaction(c, () -> {
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO " + q(c, prefix + "user_preferences")
                        + " (userid, name, value) VALUES (" + userid + ", 'htmleditor', 'atto')");
                st.executeUpdate("INSERT INTO " + q(c, prefix + "user_enrolments")
                        + " (enrolid, userid, modifierid) VALUES (7, " + userid + ", 2)");
                st.executeUpdate("INSERT INTO " + q(c, prefix + "groups_members") + " (groupid, userid) VALUES (3, " + userid + ")");
                st.executeUpdate("INSERT INTO " + q(c, prefix + "cohort_members") + " (cohortid, userid) VALUES (4, " + userid + ")");
                st.executeUpdate("INSERT INTO " + q(c, prefix + "user_info_data")
                        + " (userid, fieldid, data) VALUES (" + userid + ", 1, 'Physics')");
                st.executeUpdate("INSERT INTO " + q(c, prefix + "user_lastaccess")
                        + " (userid, courseid, timeaccess) VALUES (" + userid + ", 9, 1700000000)");
            }
            return null;
        });
    }

    /** How many rows the dependent tables hold for the user, per table. */
    public static Map<String, Integer> dependents(Connection c, String prefix, long userid) throws SQLException {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String t : DEPENDENT_TABLES) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + q(c, prefix + t) + " WHERE userid = ?")) {
                ps.setLong(1, userid);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.put(t, rs.getInt(1));
                }
            }
        }
        return out;
    }

    /** The user's row, column name → value (numbers as Long, flags as Integer, text as String). */
    public static Map<String, Object> row(Connection c, String prefix, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + q(c, prefix + "user") + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no user " + id);
                }
                return current(rs);
            }
        }
    }

    /** The id of the user with this username on this host, or -1. */
    public static long idOf(Connection c, String prefix, String username, long mnethostid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + q(c, prefix + "user")
                + " WHERE username = ? AND mnethostid = ?")) {
            ps.setString(1, username);
            ps.setLong(2, mnethostid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    // ------------------------------------------------------------------------------------ generators

    /**
     * {@code n} Moodle users from {@link PeopleGenerator}: usernames lower-cased as Moodle forces them,
     * international names (compound family names, Greek, Cyrillic, CJK). An address longer than
     * Moodle's 100-character column has its local part cut so that it is exactly 100 characters long,
     * which gives some addresses at the limit; the uncut ones (over 100) are what
     * {@link PeopleGenerator} itself yields, for testing what Moodle cannot hold.
     */
    public static List<User> users(long seed, int n) {
        List<User> out = new ArrayList<>(n);
        for (Person p : new PeopleGenerator(seed).people(n)) {
            User u = User.of(p);
            out.add(new User(u.username(), u.firstname(), u.lastname(), fit(u.email()), u.password(), u.confirmed(),
                    u.mnethostid()));
        }
        return out;
    }

    private static String fit(String email) {
        int over = email.length() - 100;
        if (over <= 0) {
            return email;
        }
        int at = email.indexOf('@');
        String local = email.substring(0, at - over);
        // A local part may not end with a dot.
        return (local.endsWith(".") ? local.substring(0, local.length() - 1) + "x" : local) + email.substring(at);
    }

    /** An address of exactly {@code length} characters (at least 14), for testing the 100-character column. */
    public static String emailOfLength(int length) {
        String domain = "@example.org";
        if (length < domain.length() + 2) {
            throw new IllegalArgumentException("too short: " + length);
        }
        StringBuilder local = new StringBuilder("long.address");
        while (local.length() < length - domain.length()) {
            local.append('x');
        }
        return local.substring(0, length - domain.length()) + domain;
    }

    /** The current time in Unix seconds, as PHP's {@code time()}. */
    public static long now() {
        return Instant.now().getEpochSecond();
    }

    // ------------------------------------------------------------------------------------ plumbing

    private interface Work<T> {
        T run() throws SQLException;
    }

    private static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        boolean auto = c.getAutoCommit();
        if (!auto) {
            return work.run();
        }
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static boolean exists(Connection c, String prefix, String username) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + q(c, prefix + "user") + " WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Map<String, Object> current(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            Object v = rs.getObject(i);
            if (v instanceof Boolean b) {
                v = b ? 1 : 0; // MariaDB's driver reads TINYINT(1) as a boolean
            } else if (v instanceof Short || v instanceof Byte) {
                v = ((Number) v).intValue();
            } else if (v instanceof java.math.BigInteger || v instanceof java.math.BigDecimal) {
                v = ((Number) v).longValue();
            }
            out.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), v);
        }
        return out;
    }

    /** PHP compares the strings the database returns: 1 and "1" are the same value. */
    private static boolean same(Object stored, Object given) {
        if (stored instanceof Number a && given instanceof Number b) {
            return a.longValue() == b.longValue();
        }
        return Objects.equals(stored == null ? null : stored.toString(), given == null ? null : given.toString());
    }

    private static void bind(PreparedStatement ps, List<Object> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            if (v instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else if (v instanceof Long n) {
                ps.setLong(i + 1, n);
            } else {
                ps.setString(i + 1, v == null ? null : v.toString());
            }
        }
    }

    private static String q(Connection c, String name) throws SQLException {
        String quote = c.getMetaData().getIdentifierQuoteString();
        return quote + name + quote;
    }
}
