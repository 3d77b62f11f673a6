package io.accountsync.demo;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trac with AccountManager: an account is an authenticated {@code session} row, its name and email
 * are {@code session_attribute} rows. A save rewrites all of a session's attributes, as Trac's
 * {@code DetachedSession.save()} does; an address with a pending {@code email_verification_token}
 * is unverified, one without is verified (AccountManager's rule).
 */
final class TracApp extends DemoApp {
    private static final String TOKEN = "email_verification_token";
    private static final String SENT_TO = "email_verification_sent_to";
    private static final SecureRandom RANDOM = new SecureRandom();

    TracApp(Connection connection) {
        super(connection);
    }

    @Override
    public String env() {
        return "trac";
    }

    @Override
    public String title() {
        return "Trac 1.6 + AccountManager";
    }

    @Override
    public String database() {
        return "trac";
    }

    /** {@code trac-admin session add}; an unverified address gets the token AccountManager mails. */
    @Override
    public void add(Sample s) throws SQLException {
        inTransaction(() -> {
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO session VALUES (?, 1, ?)")) {
                ps.setString(1, s.key());
                ps.setLong(2, s.lastActiveEpochSecond());
                ps.executeUpdate();
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("name", s.displayName());
            attributes.put("email", s.email());
            if (!s.verified()) {
                byte[] token = new byte[12];
                RANDOM.nextBytes(token);
                attributes.put(TOKEN, HexFormat.of().formatHex(token));
                attributes.put(SENT_TO, s.email());
            }
            insertAttributes(s.key(), attributes);
            return null;
        });
    }

    @Override
    public List<String> keys() throws SQLException {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT sid FROM session WHERE authenticated = 1 ORDER BY lower(sid)");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(lower(rs.getString(1)));
            }
        }
        return keys;
    }

    @Override
    public Optional<Account> read(String key) throws SQLException {
        Optional<String> sid = sid(key);
        if (sid.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> a = attributes(sid.get());
        String email = a.get("email");
        String sentTo = a.get(SENT_TO);
        boolean verified = email != null && !email.isEmpty() && !a.containsKey(TOKEN)
                && (sentTo == null || sentTo.equals(email));
        return Optional.of(new Account(sid.get(), a.get("name"), email, verified));
    }

    @Override
    public String rename(String key, String displayName) throws SQLException {
        save(key, "name", displayName);
        return "Trac session.save(): the session's attributes deleted and inserted again";
    }

    @Override
    public String changeEmail(String key, String email) throws SQLException {
        save(key, "email", email);
        return "Trac session.save(): the session's attributes deleted and inserted again";
    }

    /** {@code DetachedSession.save()}: one transaction deletes every attribute row and inserts them all. */
    private void save(String key, String attribute, String value) throws SQLException {
        String sid = sid(key).orElseThrow(() -> new SQLException("no Trac session " + key));
        inTransaction(() -> {
            Map<String, String> attributes = attributes(sid);
            attributes.put(attribute, value);
            try (PreparedStatement ps = connection.prepareStatement(
                    "DELETE FROM session_attribute WHERE sid = ? AND authenticated = 1")) {
                ps.setString(1, sid);
                ps.executeUpdate();
            }
            insertAttributes(sid, attributes);
            return null;
        });
    }

    private Optional<String> sid(String key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT sid FROM session WHERE authenticated = 1 AND lower(sid) = ?")) {
            ps.setString(1, lower(key));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private Map<String, String> attributes(String sid) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT name, value FROM session_attribute WHERE sid = ? AND authenticated = 1 ORDER BY name")) {
            ps.setString(1, sid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    private void insertAttributes(String sid, Map<String, String> attributes) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT INTO session_attribute (sid, authenticated, name, value) VALUES (?, 1, ?, ?)")) {
            for (Map.Entry<String, String> a : attributes.entrySet()) {
                ps.setString(1, sid);
                ps.setString(2, a.getKey());
                ps.setString(3, a.getValue());
                ps.executeUpdate();
            }
        }
    }
}
