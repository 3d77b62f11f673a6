package io.accountsync.testsupport.apps;

import io.accountsync.model.Dialect;
import io.accountsync.profile.mediawiki.MediaWikiUserNames;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * MediaWiki's account tables ({@code user}, {@code actor}, {@code user_groups},
 * {@code user_properties}, {@code watchlist}) as its installer creates them (APP-SCHEMAS.md §2,
 * {@code sql/{mysql,postgres}/tables-generated.sql}), and helpers that change them the way
 * MediaWiki's {@code User} class does.
 *
 * <p>MariaDB/MySQL: the MySQL DDL with its table-prefix marker replaced by the table prefix, and
 * {@code $wgDBTableOptions} by its default {@code ENGINE=InnoDB, DEFAULT CHARSET=binary} (so
 * TINYTEXT is stored as bytes too); timestamps are BINARY(14) {@code YYYYMMDDHHMMSS} in UTC.
 * PostgreSQL: schema {@value #POSTGRES_SCHEMA} on the database's {@code search_path} (as the
 * installer puts it on the wiki user's), {@code "user"} quoted, TIMESTAMPTZ timestamps, and
 * {@code REPLICA IDENTITY FULL} on {@code "user"} so that logical decoding carries before images.
 *
 * <p>Every helper runs its statements on the given connection in its current transaction mode;
 * "now" is this JVM's clock in whole seconds, as PHP's {@code time()}.
 */
public final class MediaWikiFixture {

    /** Where MediaWiki's PostgreSQL installer puts its tables ({@code $wgDBmwschema}). */
    public static final String POSTGRES_SCHEMA = "mediawiki";

    /** {@code $wgDBTableOptions} as the MySQL installer writes it by default. */
    private static final String MYSQL_TABLE_OPTIONS = "ENGINE=InnoDB, DEFAULT CHARSET=binary";
    private static final DateTimeFormatter TS_MW = DateTimeFormatter.ofPattern("uuuuMMddHHmmss");
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final List<String> MYSQL_DDL = List.of("""
            CREATE TABLE /*_*/user (
              user_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
              user_name VARBINARY(255) DEFAULT '' NOT NULL,
              user_real_name VARBINARY(255) DEFAULT '' NOT NULL,
              user_password TINYBLOB NOT NULL,
              user_newpassword TINYBLOB NOT NULL,
              user_newpass_time BINARY(14) DEFAULT NULL,
              user_email TINYTEXT NOT NULL,
              user_touched BINARY(14) NOT NULL,
              user_token BINARY(32) DEFAULT '' NOT NULL,
              user_email_authenticated BINARY(14) DEFAULT NULL,
              user_email_token BINARY(32) DEFAULT NULL,
              user_email_token_expires BINARY(14) DEFAULT NULL,
              user_registration BINARY(14) DEFAULT NULL,
              user_editcount INT UNSIGNED DEFAULT NULL,
              user_password_expires VARBINARY(14) DEFAULT NULL,
              user_is_temp TINYINT(1) DEFAULT 0 NOT NULL,
              UNIQUE INDEX user_name (user_name),
              INDEX user_email_token (user_email_token),
              INDEX user_email (user_email(50)),
              PRIMARY KEY(user_id)
            ) /*$wgDBTableOptions*/""", """
            CREATE TABLE /*_*/actor (
              actor_id BIGINT UNSIGNED AUTO_INCREMENT NOT NULL,
              actor_user INT UNSIGNED DEFAULT NULL,
              actor_name VARBINARY(255) NOT NULL,
              UNIQUE INDEX actor_user (actor_user),
              UNIQUE INDEX actor_name (actor_name),
              PRIMARY KEY(actor_id)
            ) /*$wgDBTableOptions*/""", """
            CREATE TABLE /*_*/user_groups (
              ug_user INT UNSIGNED DEFAULT 0 NOT NULL,
              ug_group VARBINARY(255) DEFAULT '' NOT NULL,
              ug_expiry VARBINARY(14) DEFAULT NULL,
              INDEX ug_group (ug_group),
              INDEX ug_expiry (ug_expiry),
              PRIMARY KEY(ug_user, ug_group)
            ) /*$wgDBTableOptions*/""", """
            CREATE TABLE /*_*/user_properties (
              up_user INT UNSIGNED NOT NULL,
              up_property VARBINARY(255) NOT NULL,
              up_value BLOB DEFAULT NULL,
              INDEX up_property (up_property),
              PRIMARY KEY(up_user, up_property)
            ) /*$wgDBTableOptions*/""", """
            CREATE TABLE /*_*/watchlist (
              wl_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
              wl_user INT UNSIGNED NOT NULL,
              wl_namespace INT DEFAULT 0 NOT NULL,
              wl_title VARBINARY(255) DEFAULT '' NOT NULL,
              wl_notificationtimestamp BINARY(14) DEFAULT NULL,
              UNIQUE INDEX wl_user (wl_user, wl_namespace, wl_title),
              INDEX wl_namespace_title (wl_namespace, wl_title),
              INDEX wl_user_notificationtimestamp (wl_user, wl_notificationtimestamp),
              PRIMARY KEY(wl_id)
            ) /*$wgDBTableOptions*/""");

    private static final List<String> POSTGRES_DDL = List.of("""
            CREATE TABLE /*_*/"user" (
              user_id SERIAL NOT NULL,
              user_name TEXT DEFAULT '' NOT NULL,
              user_real_name TEXT DEFAULT '' NOT NULL,
              user_password TEXT NOT NULL,
              user_newpassword TEXT NOT NULL,
              user_newpass_time TIMESTAMPTZ DEFAULT NULL,
              user_email TEXT NOT NULL,
              user_touched TIMESTAMPTZ NOT NULL,
              user_token TEXT DEFAULT '' NOT NULL,
              user_email_authenticated TIMESTAMPTZ DEFAULT NULL,
              user_email_token TEXT DEFAULT NULL,
              user_email_token_expires TIMESTAMPTZ DEFAULT NULL,
              user_registration TIMESTAMPTZ DEFAULT NULL,
              user_editcount INT DEFAULT NULL,
              user_password_expires TIMESTAMPTZ DEFAULT NULL,
              user_is_temp SMALLINT DEFAULT 0 NOT NULL,
              PRIMARY KEY(user_id)
            )""",
            "CREATE UNIQUE INDEX /*_*/user_name ON /*_*/\"user\" (user_name)",
            "CREATE INDEX /*_*/user_email_token ON /*_*/\"user\" (user_email_token)",
            "CREATE INDEX /*_*/user_email ON /*_*/\"user\" (user_email)",
            "ALTER TABLE /*_*/\"user\" REPLICA IDENTITY FULL", """
            CREATE TABLE /*_*/actor (
              actor_id BIGSERIAL NOT NULL,
              actor_user INT DEFAULT NULL,
              actor_name TEXT NOT NULL,
              PRIMARY KEY(actor_id)
            )""",
            "CREATE UNIQUE INDEX /*_*/actor_user ON /*_*/actor (actor_user)",
            "CREATE UNIQUE INDEX /*_*/actor_name ON /*_*/actor (actor_name)", """
            CREATE TABLE /*_*/user_groups (
              ug_user INT DEFAULT 0 NOT NULL,
              ug_group TEXT DEFAULT '' NOT NULL,
              ug_expiry TIMESTAMPTZ DEFAULT NULL,
              PRIMARY KEY(ug_user, ug_group)
            )""",
            "CREATE INDEX /*_*/ug_group ON /*_*/user_groups (ug_group)",
            "CREATE INDEX /*_*/ug_expiry ON /*_*/user_groups (ug_expiry)", """
            CREATE TABLE /*_*/user_properties (
              up_user INT NOT NULL,
              up_property TEXT NOT NULL,
              up_value TEXT DEFAULT NULL,
              PRIMARY KEY(up_user, up_property)
            )""",
            "CREATE INDEX /*_*/up_property ON /*_*/user_properties (up_property)", """
            CREATE TABLE /*_*/watchlist (
              wl_id SERIAL NOT NULL,
              wl_user INT NOT NULL,
              wl_namespace INT DEFAULT 0 NOT NULL,
              wl_title TEXT DEFAULT '' NOT NULL,
              wl_notificationtimestamp TIMESTAMPTZ DEFAULT NULL,
              PRIMARY KEY(wl_id)
            )""",
            "CREATE UNIQUE INDEX /*_*/wl_user ON /*_*/watchlist (wl_user, wl_namespace, wl_title)",
            "CREATE INDEX /*_*/wl_namespace_title ON /*_*/watchlist (wl_namespace, wl_title)",
            "CREATE INDEX /*_*/wl_user_notificationtimestamp ON /*_*/watchlist (wl_user, wl_notificationtimestamp)");

    private MediaWikiFixture() {
    }

    // ------------------------------------------------------------------ schema

    /**
     * Creates the tables in the connection's database (MariaDB) or in schema {@value #POSTGRES_SCHEMA}
     * (PostgreSQL), which becomes the first entry of the database's and this session's search_path.
     *
     * @param prefix the table prefix ({@code $wgDBprefix}), "" or null for none
     */
    public static void create(Connection c, Dialect d, String prefix) throws SQLException {
        String p = prefix == null ? "" : prefix;
        try (Statement st = c.createStatement()) {
            if (d == Dialect.POSTGRESQL) {
                String database;
                try (ResultSet rs = st.executeQuery("SELECT current_database()")) {
                    rs.next();
                    database = rs.getString(1);
                }
                st.execute("CREATE SCHEMA " + POSTGRES_SCHEMA);
                st.execute("ALTER DATABASE \"" + database.replace("\"", "\"\"") + "\" SET search_path = "
                        + POSTGRES_SCHEMA + ", public");
                st.execute("SET search_path = " + POSTGRES_SCHEMA + ", public");
                for (String ddl : POSTGRES_DDL) {
                    st.execute(ddl.replace("/*_*/", p));
                }
            } else {
                for (String ddl : MYSQL_DDL) {
                    st.execute(ddl.replace("/*_*/", p).replace("/*$wgDBTableOptions*/", MYSQL_TABLE_OPTIONS));
                }
            }
        }
    }

    /** A table's name for SQL: schema-qualified and quoted on PostgreSQL, prefixed everywhere. */
    public static String table(Dialect d, String prefix, String table) {
        String name = (prefix == null ? "" : prefix) + table;
        return d == Dialect.POSTGRESQL ? POSTGRES_SCHEMA + ".\"" + name + "\"" : "`" + name + "`";
    }

    // ------------------------------------------------------------------ accounts

    /** Realistic people (seeded): see {@link PeopleGenerator}. */
    public static List<Person> people(long seed, int n) {
        return new PeopleGenerator(seed).people(n);
    }

    /** Adds each person as {@link #addUser} does, every third one with a confirmed address; returns the ids. */
    public static List<Long> addPeople(Connection c, Dialect d, String prefix, List<Person> people) throws SQLException {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < people.size(); i++) {
            Person p = people.get(i);
            ids.add(addUser(c, d, prefix, p.username(), p.displayName(), p.email(), i % 3 == 0));
        }
        return ids;
    }

    /**
     * Registers a user as {@code User::addToDatabase} does: the name in MediaWiki's canonical form,
     * an invalid (empty) password, a fresh 32-hex-character token, registration and touched now, edit
     * count 0, the address authenticated now when {@code confirmed}; then the user's actor row.
     *
     * @return the new user_id
     */
    public static long addUser(Connection c, Dialect d, String prefix, String name, String realName, String email,
                               boolean confirmed) throws SQLException {
        return insertUser(c, d, prefix, name, realName, email, confirmed, false);
    }

    /** A temporary account ({@code user_is_temp = 1}, named like {@code ~2025-1}), as MediaWiki 1.41+ creates them. */
    public static long addTemporaryUser(Connection c, Dialect d, String prefix, String name) throws SQLException {
        return insertUser(c, d, prefix, name, "", "", false, true);
    }

    private static long insertUser(Connection c, Dialect d, String prefix, String name, String realName, String email,
                                   boolean confirmed, boolean temp) throws SQLException {
        String canonical = MediaWikiUserNames.canonical(name);
        Instant now = now();
        String sql = "INSERT INTO " + table(d, prefix, "user") + " (user_name, user_password, user_newpassword, user_email,"
                + " user_email_authenticated, user_real_name, user_token, user_registration, user_editcount, user_touched,"
                + " user_is_temp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)";
        long id;
        try (PreparedStatement ps = c.prepareStatement(sql, new String[] {"user_id"})) {
            ps.setString(1, canonical);
            ps.setString(2, "");
            ps.setString(3, "");
            ps.setString(4, email == null ? "" : email);
            setTimestamp(ps, 5, d, confirmed ? now : null);
            ps.setString(6, realName == null ? "" : realName);
            ps.setString(7, newToken());
            setTimestamp(ps, 8, d, now);
            setTimestamp(ps, 9, d, now);
            ps.setInt(10, temp ? 1 : 0);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table(d, prefix, "actor")
                + " (actor_user, actor_name) VALUES (?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, canonical);
            ps.executeUpdate();
        }
        return id;
    }

    /**
     * What {@code saveSettings()} writes of a loaded user.
     *
     * @param name               user_name
     * @param realName           user_real_name
     * @param email              user_email
     * @param emailAuthenticated user_email_authenticated (null: not confirmed)
     * @param token              user_token
     * @param emailToken         user_email_token (md5 hex of the mailed token), or null
     * @param emailTokenExpires  user_email_token_expires, or null
     */
    public record Settings(String name, String realName, String email, Instant emailAuthenticated, String token,
                           String emailToken, Instant emailTokenExpires) {

        public Settings withRealName(String value) {
            return new Settings(name, value, email, emailAuthenticated, token, emailToken, emailTokenExpires);
        }

        /** {@code setEmail()}: a different address invalidates the confirmation first. */
        public Settings withEmail(String value) {
            if (value.equals(email)) {
                return this;
            }
            return new Settings(name, realName, value, null, token, null, null);
        }

        /** {@code confirmEmail()}: authenticated now, unless already confirmed. */
        public Settings confirmed(Instant now) {
            return emailAuthenticated != null ? this
                    : new Settings(name, realName, email, now, token, emailToken, emailTokenExpires);
        }

        /** {@code getConfirmationToken()}: the md5 hex of a mailed token, valid for a week. */
        public Settings withConfirmationToken(String md5Hex, Instant expires) {
            return new Settings(name, realName, email, emailAuthenticated, token, md5Hex, expires);
        }
    }

    /** The user as {@code User::loadFromDatabase} sees it, plus user_touched for the compare-and-set. */
    private record Loaded(Settings settings, Object touched, Instant touchedTime) {
    }

    private static Loaded load(Connection c, Dialect d, String prefix, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT user_name, user_real_name, user_email,"
                + " user_email_authenticated, user_token, user_email_token, user_email_token_expires, user_touched FROM "
                + table(d, prefix, "user") + " WHERE user_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no user with user_id " + id);
                }
                Object touched = d == Dialect.POSTGRESQL ? rs.getObject(8, OffsetDateTime.class) : rs.getBytes(8);
                Settings s = new Settings(text(rs, 1), text(rs, 2), text(rs, 3), timestamp(rs, 4, d), stripNul(text(rs, 5)),
                        emptyToNull(stripNul(text(rs, 6))), timestamp(rs, 7, d));
                return new Loaded(s, touched, timestamp(rs, 8, d));
            }
        }
    }

    /** The user's current settings. */
    public static Settings settings(Connection c, Dialect d, String prefix, long id) throws SQLException {
        return load(c, d, prefix, id).settings();
    }

    /**
     * {@code User::saveSettings()}: applies {@code change} to the loaded user and writes name, real
     * name, email, authentication, tokens and a new user_touched ({@code newTouchedTimestamp()}: now,
     * at least one second past the old value), only if user_touched still holds the loaded value
     * (compare-and-set); then renames the actor. A lost compare-and-set throws, as MediaWiki does.
     */
    public static void saveSettings(Connection c, Dialect d, String prefix, long id, UnaryOperator<Settings> change)
            throws SQLException {
        Loaded loaded = load(c, d, prefix, id);
        Settings s = change.apply(loaded.settings());
        Instant touched = newTouched(loaded.touchedTime());
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table(d, prefix, "user") + " SET user_name = ?,"
                + " user_real_name = ?, user_email = ?, user_email_authenticated = ?, user_touched = ?, user_token = ?,"
                + " user_email_token = ?, user_email_token_expires = ? WHERE user_id = ? AND user_touched = ?")) {
            ps.setString(1, s.name());
            ps.setString(2, s.realName());
            ps.setString(3, s.email());
            setTimestamp(ps, 4, d, s.emailAuthenticated());
            setTimestamp(ps, 5, d, touched);
            ps.setString(6, s.token());
            ps.setString(7, s.emailToken());
            setTimestamp(ps, 8, d, s.emailTokenExpires());
            ps.setLong(9, id);
            ps.setObject(10, loaded.touched());
            if (ps.executeUpdate() == 0) {
                throw new IllegalStateException("CAS update failed on user_touched for user_id " + id);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table(d, prefix, "actor")
                + " SET actor_name = ? WHERE actor_user = ?")) {
            ps.setString(1, s.name());
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /**
     * A cache invalidation (the database half of {@code invalidateCache()} in MediaWiki ≤ 1.24, still
     * what extensions and maintenance scripts do): only user_touched moves, to
     * {@code newTouchedTimestamp()}.
     */
    public static void touch(Connection c, Dialect d, String prefix, long id) throws SQLException {
        Loaded loaded = load(c, d, prefix, id);
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table(d, prefix, "user")
                + " SET user_touched = ? WHERE user_id = ?")) {
            setTimestamp(ps, 1, d, newTouched(loaded.touchedTime()));
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /** Special:ConfirmEmail: {@code confirmEmail()} then {@code saveSettings()}. */
    public static void confirmEmail(Connection c, Dialect d, String prefix, long id) throws SQLException {
        Instant now = now();
        saveSettings(c, d, prefix, id, s -> s.confirmed(now));
    }

    /**
     * The user row as JDBC returns it (bytes for MariaDB's binary columns, NUL padding included), by
     * column name; for assertions.
     */
    public static Map<String, Object> row(Connection c, Dialect d, String prefix, long id) throws SQLException {
        return single(c, "SELECT * FROM " + table(d, prefix, "user") + " WHERE user_id = ?", id);
    }

    /** The actor rows of a user (actor_id, actor_user, actor_name each), for assertions. */
    public static List<Map<String, Object>> actors(Connection c, Dialect d, String prefix, long userId) throws SQLException {
        return all(c, "SELECT actor_id, actor_user, actor_name FROM " + table(d, prefix, "actor") + " WHERE actor_user = ?",
                userId);
    }

    /** The user_id of a name (in canonical form), or -1. */
    public static long idOf(Connection c, Dialect d, String prefix, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT user_id FROM " + table(d, prefix, "user")
                + " WHERE user_name = ?")) {
            ps.setString(1, MediaWikiUserNames.canonical(name));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** The text of a column as MediaWiki reads it: bytes as UTF-8, the NUL padding of BINARY(n) removed. */
    public static String text(Object value) {
        if (value == null) {
            return null;
        }
        String s = value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : value.toString();
        return stripNul(s);
    }

    /** A timestamp column's value as an instant: TIMESTAMPTZ, or TS_MW text in UTC; null for NULL or ''. */
    public static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        String s = text(value);
        return s.isEmpty() ? null : LocalDateTime.parse(s, TS_MW).toInstant(ZoneOffset.UTC);
    }

    // ------------------------------------------------------------------ helpers

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    /** {@code User::newTouchedTimestamp()}. */
    private static Instant newTouched(Instant old) {
        Instant now = now();
        if (old == null) {
            return now;
        }
        Instant next = old.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        return next.isAfter(now) ? next : now;
    }

    private static String newToken() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void setTimestamp(PreparedStatement ps, int i, Dialect d, Instant value) throws SQLException {
        if (d == Dialect.POSTGRESQL) {
            if (value == null) {
                ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                ps.setObject(i, value.atOffset(ZoneOffset.UTC));
            }
        } else if (value == null) {
            ps.setNull(i, Types.BINARY);
        } else {
            ps.setString(i, TS_MW.format(value.atOffset(ZoneOffset.UTC)));
        }
    }

    private static String text(ResultSet rs, int column) throws SQLException {
        return text(rs.getObject(column));
    }

    private static Instant timestamp(ResultSet rs, int column, Dialect d) throws SQLException {
        return d == Dialect.POSTGRESQL ? instant(rs.getObject(column, OffsetDateTime.class)) : instant(rs.getBytes(column));
    }

    private static String stripNul(String s) {
        if (s == null) {
            return null;
        }
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '\0') {
            end--;
        }
        return s.substring(0, end);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static Map<String, Object> single(Connection c, String sql, long id) throws SQLException {
        List<Map<String, Object>> rows = all(c, sql, id);
        if (rows.size() != 1) {
            throw new IllegalStateException(rows.size() + " rows for " + id + ": " + sql);
        }
        return rows.get(0);
    }

    private static List<Map<String, Object>> all(Connection c, String sql, long id) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
