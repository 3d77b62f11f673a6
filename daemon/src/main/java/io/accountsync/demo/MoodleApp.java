package io.accountsync.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Moodle site on PostgreSQL: {@code mdl_user}, local accounts on {@code mnethostid} 1, the
 * {@code guest} account never synced. Registration is {@code user_create_user()}; an edit is
 * {@code user_update_user()}: only the changed columns, with {@code timemodified} set to now.
 * {@code confirmed} is what accountsync calls a verified address; the display name is
 * {@code firstname + " " + lastname}.
 */
final class MoodleApp extends DemoApp {
    private static final String LOCAL = "mnethostid = 1 AND deleted = 0 AND username <> 'guest'";

    MoodleApp(Connection connection) {
        super(connection);
    }

    @Override
    public String env() {
        return "moodle";
    }

    @Override
    public String title() {
        return "Moodle 4.4";
    }

    @Override
    public String database() {
        return "moodle";
    }

    @Override
    public void add(Sample s) throws SQLException {
        String[] names = split(s.displayName());
        insert(s.key(), names[0], names[1], s.email(), s.verified(), s.lastActiveEpochSecond());
    }

    /** The guest account every Moodle site has: a system account, not a person, never synced. */
    void addGuest(long time) throws SQLException {
        insert("guest", "Guest user", " ", "root@localhost", true, time);
    }

    private void insert(String username, String firstname, String lastname, String email, boolean confirmed, long time)
            throws SQLException {
        inTransaction(() -> {
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO mdl_user (auth, confirmed, mnethostid,"
                    + " username, firstname, lastname, email, timecreated, timemodified)"
                    + " VALUES ('manual', ?, 1, ?, ?, ?, ?, ?, ?)")) {
                ps.setInt(1, confirmed ? 1 : 0);
                ps.setString(2, username);
                ps.setString(3, firstname);
                ps.setString(4, lastname);
                ps.setString(5, email);
                ps.setLong(6, time - 400L * 86_400);
                ps.setLong(7, time);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<String> keys() throws SQLException {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT username FROM mdl_user WHERE " + LOCAL + " ORDER BY username");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(lower(rs.getString(1)));
            }
        }
        return keys;
    }

    @Override
    public Optional<Account> read(String key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT username, firstname, lastname, email, confirmed"
                + " FROM mdl_user WHERE " + LOCAL + " AND username = ?")) {
            ps.setString(1, lower(key));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String display = (rs.getString(2) + " " + rs.getString(3)).strip();
                return Optional.of(new Account(rs.getString(1), display, rs.getString(4), rs.getInt(5) == 1));
            }
        }
    }

    @Override
    public String rename(String key, String displayName) throws SQLException {
        String[] names = split(displayName);
        updateUser(key, "firstname = ?, lastname = ?", names[0], names[1]);
        return "Moodle user_update_user(): firstname/lastname and timemodified";
    }

    @Override
    public String changeEmail(String key, String email) throws SQLException {
        updateUser(key, "email = ?", email);
        return "Moodle user_update_user(): email and timemodified";
    }

    /** {@code user_update_user()}: the changed columns and {@code timemodified = time()} in one UPDATE. */
    private void updateUser(String key, String set, String... values) throws SQLException {
        inTransaction(() -> {
            try (PreparedStatement ps = connection.prepareStatement("UPDATE mdl_user SET " + set
                    + ", timemodified = ? WHERE " + LOCAL + " AND username = ?")) {
                int i = 1;
                for (String v : values) {
                    ps.setString(i++, v);
                }
                ps.setLong(i++, Instant.now().getEpochSecond());
                ps.setString(i, lower(key));
                if (ps.executeUpdate() != 1) {
                    throw new SQLException("no Moodle user " + key);
                }
            }
            return null;
        });
    }

    /** Moodle's form of a display name: first word the first name, the rest the last name. */
    static String[] split(String displayName) {
        String s = displayName.strip();
        int space = s.indexOf(' ');
        return space < 0 ? new String[] {s, ""} : new String[] {s.substring(0, space), s.substring(space + 1).strip()};
    }
}
