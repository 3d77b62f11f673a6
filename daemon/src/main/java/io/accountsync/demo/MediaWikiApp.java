package io.accountsync.demo;

import io.accountsync.profile.mediawiki.MediaWikiUserNames;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * MediaWiki on PostgreSQL: {@code mediawiki."user"} and its {@code actor} row. Registration is
 * {@code User::addToDatabase}; every edit is {@code User::saveSettings()}: the whole row written
 * back with a new {@code user_touched} (now, at least a second past the old value), only if
 * {@code user_touched} still holds the loaded value; a new address drops its confirmation.
 */
final class MediaWikiApp extends DemoApp {
    private static final String USER = "mediawiki.\"user\"";
    private static final SecureRandom RANDOM = new SecureRandom();

    MediaWikiApp(Connection connection) {
        super(connection);
    }

    @Override
    public String env() {
        return "mediawiki";
    }

    @Override
    public String title() {
        return "MediaWiki";
    }

    @Override
    public String database() {
        return "mediawiki";
    }

    @Override
    public void add(Sample s) throws SQLException {
        Instant active = Instant.ofEpochSecond(s.lastActiveEpochSecond());
        String name = MediaWikiUserNames.canonical(s.key());
        inTransaction(() -> {
            long id;
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + USER + " (user_name, user_password,"
                    + " user_newpassword, user_email, user_email_authenticated, user_real_name, user_token,"
                    + " user_registration, user_editcount, user_touched) VALUES (?, '', '', ?, ?, ?, ?, ?, 0, ?)",
                    new String[] {"user_id"})) {
                ps.setString(1, name);
                ps.setString(2, s.email());
                setTime(ps, 3, s.verified() ? active : null);
                ps.setString(4, s.displayName());
                ps.setString(5, token());
                setTime(ps, 6, active.minus(400, ChronoUnit.DAYS));
                setTime(ps, 7, active);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            try (PreparedStatement ps = connection.prepareStatement(
                    "INSERT INTO mediawiki.actor (actor_user, actor_name) VALUES (?, ?)")) {
                ps.setLong(1, id);
                ps.setString(2, name);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<String> keys() throws SQLException {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT user_name FROM " + USER + " WHERE user_is_temp = 0 ORDER BY lower(user_name)");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(lower(rs.getString(1)));
            }
        }
        return keys;
    }

    @Override
    public Optional<Account> read(String key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT user_name, user_real_name, user_email,"
                + " user_email_authenticated IS NOT NULL FROM " + USER + " WHERE lower(user_name) = ?")) {
            ps.setString(1, lower(key));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Account(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)))
                        : Optional.empty();
            }
        }
    }

    @Override
    public String rename(String key, String displayName) throws SQLException {
        saveSettings(key, displayName, null);
        return "MediaWiki User::saveSettings(): the row written back, user_touched bumped";
    }

    @Override
    public String changeEmail(String key, String email) throws SQLException {
        saveSettings(key, null, email);
        return "MediaWiki User::setEmail() + saveSettings(): confirmation dropped, user_touched bumped";
    }

    /** {@code saveSettings()} with a new real name or a new address (null: unchanged). */
    private void saveSettings(String key, String realName, String email) throws SQLException {
        inTransaction(() -> {
            long id;
            String name;
            String oldRealName;
            String oldEmail;
            OffsetDateTime authenticated;
            String emailToken;
            OffsetDateTime emailTokenExpires;
            OffsetDateTime touched;
            try (PreparedStatement ps = connection.prepareStatement("SELECT user_id, user_name, user_real_name, user_email,"
                    + " user_email_authenticated, user_email_token, user_email_token_expires, user_touched FROM " + USER
                    + " WHERE lower(user_name) = ?")) {
                ps.setString(1, lower(key));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("no MediaWiki user " + key);
                    }
                    id = rs.getLong(1);
                    name = rs.getString(2);
                    oldRealName = rs.getString(3);
                    oldEmail = rs.getString(4);
                    authenticated = rs.getObject(5, OffsetDateTime.class);
                    emailToken = rs.getString(6);
                    emailTokenExpires = rs.getObject(7, OffsetDateTime.class);
                    touched = rs.getObject(8, OffsetDateTime.class);
                }
            }
            boolean newAddress = email != null && !email.equals(oldEmail);
            try (PreparedStatement ps = connection.prepareStatement("UPDATE " + USER + " SET user_name = ?,"
                    + " user_real_name = ?, user_email = ?, user_email_authenticated = ?, user_touched = ?,"
                    + " user_email_token = ?, user_email_token_expires = ? WHERE user_id = ? AND user_touched = ?")) {
                ps.setString(1, name);
                ps.setString(2, realName != null ? realName : oldRealName);
                ps.setString(3, newAddress ? email : oldEmail);
                setTime(ps, 4, newAddress || authenticated == null ? null : authenticated.toInstant());
                setTime(ps, 5, newTouched(touched.toInstant()));
                ps.setString(6, newAddress ? null : emailToken);
                setTime(ps, 7, newAddress || emailTokenExpires == null ? null : emailTokenExpires.toInstant());
                ps.setLong(8, id);
                ps.setObject(9, touched);
                if (ps.executeUpdate() == 0) {
                    throw new SQLException("user_touched of " + name + " changed meanwhile (MediaWiki retries the edit)");
                }
            }
            try (PreparedStatement ps = connection.prepareStatement(
                    "UPDATE mediawiki.actor SET actor_name = ? WHERE actor_user = ?")) {
                ps.setString(1, name);
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** {@code User::newTouchedTimestamp()}: now in whole seconds, but at least one second past the old value. */
    private static Instant newTouched(Instant old) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant next = old.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        return next.isAfter(now) ? next : now;
    }

    private static void setTime(PreparedStatement ps, int i, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(i, value.atOffset(ZoneOffset.UTC));
        }
    }

    private static String token() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
