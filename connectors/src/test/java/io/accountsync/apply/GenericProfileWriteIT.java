package io.accountsync.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import io.accountsync.model.Dialect;
import io.accountsync.model.Fields;
import io.accountsync.model.Patch;
import io.accountsync.profile.GenericMapping;
import io.accountsync.profile.GenericProfile;
import io.accountsync.testsupport.DbInstance;
import io.accountsync.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generic profile's writes against a real users table on PostgreSQL and MariaDB: a create is
 * idempotent and writes over an account that exists already only where the row still holds what it
 * expects; an update changes the row only where it still holds the expected values.
 */
class GenericProfileWriteIT {

    private static final Map<String, String> FIELDS = new LinkedHashMap<>(Map.of(
            Fields.DISPLAY_NAME, "full_name", Fields.EMAIL, "email"));

    private DbInstance db;
    private String database;

    @AfterEach
    void cleanUp() {
        if (database != null) {
            db.dropDatabase(database);
        }
    }

    private JdbcPatchWriter writer(String instance) throws Exception {
        db = instance.equals("pg1") ? TestDatabases.pg1() : TestDatabases.mariadb();
        database = db.createDatabase("generic");
        try (Connection c = db.connect(database); Statement st = c.createStatement()) {
            st.execute(db.dialect() == Dialect.POSTGRESQL
                    ? "create table users (id serial primary key, username varchar(100) not null unique, "
                    + "full_name varchar(200), email varchar(200))"
                    : "create table users (id int auto_increment primary key, username varchar(100) not null unique, "
                    + "full_name varchar(200), email varchar(200))");
        }
        GenericProfile profile = new GenericProfile(new GenericMapping(null, "users", "id", "username", FIELDS, null, false, null),
                db.dialect(), database);
        return new JdbcPatchWriter("b", new ConnectionSettings(db.dialect(), db.host(), db.port(), database, db.user(),
                Secret.of(db.password())), profile);
    }

    private static Patch create(String name, String email, Map<String, String> expected) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(Fields.DISPLAY_NAME, name);
        values.put(Fields.EMAIL, email);
        return new Patch("b", 1, null, "ann", Patch.Kind.CREATE, values, expected, "test");
    }

    private static int rows(PatchWriter writer, Patch patch) throws Exception {
        return writer.write(List.of(patch), tx -> { }).rows();
    }

    private List<String> ann() throws Exception {
        try (Connection c = db.connect(database);
             PreparedStatement ps = c.prepareStatement("select full_name, email from users where username = ?")) {
            ps.setString(1, "ann");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("ann exists").isTrue();
                List<String> row = List.of(rs.getString(1), rs.getString(2));
                assertThat(rs.next()).as("one ann").isFalse();
                return row;
            }
        }
    }

    private void userSets(String column, String value) throws Exception {
        try (Connection c = db.connect(database);
             PreparedStatement ps = c.prepareStatement("update users set " + column + " = ? where username = 'ann'")) {
            ps.setString(1, value);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pg1", "mariadb"})
    void shouldCreateOnceAndNeverWriteOverAnEditItDoesNotExpect(String instance) throws Exception {
        try (JdbcPatchWriter writer = writer(instance)) {
            assertThat(rows(writer, create("Ann", "ann@example.org", null))).isEqualTo(1);
            assertThat(ann()).containsExactly("Ann", "ann@example.org");
            assertThat(rows(writer, create("Ann", "ann@example.org", null))).as("a replay").isZero();

            // A later create of the same account, planned before the first one's echo linked it: it carries the
            // new name over the value the first create wrote.
            assertThat(rows(writer, create("Ann B", "ann@example.org",
                    Map.of(Fields.DISPLAY_NAME, "Ann", Fields.EMAIL, "ann@example.org")))).isEqualTo(1);
            assertThat(ann()).containsExactly("Ann B", "ann@example.org");

            // Someone edits the account in this environment before accountsync has captured it: neither a create
            // expecting the value written before nor one of a new account (expecting nothing there) writes over it.
            userSets("full_name", "Ann from here");
            assertThat(rows(writer, create("Ann C", "ann@example.org",
                    Map.of(Fields.DISPLAY_NAME, "Ann B", Fields.EMAIL, "ann@example.org")))).isZero();
            Map<String, String> absent = new LinkedHashMap<>();
            absent.put(Fields.DISPLAY_NAME, null);
            absent.put(Fields.EMAIL, null);
            assertThat(rows(writer, create("Ann C", "ann@example.org", absent))).isZero();
            assertThat(ann()).containsExactly("Ann from here", "ann@example.org");

            // An environment accountsync never reads (role target) holds what accountsync writes: no expectation.
            assertThat(rows(writer, create("Ann D", "ann@example.org", null))).isEqualTo(1);
            assertThat(ann()).containsExactly("Ann D", "ann@example.org");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pg1", "mariadb"})
    void shouldUpdateOnlyWhereTheRowStillHoldsTheExpectedValue(String instance) throws Exception {
        try (JdbcPatchWriter writer = writer(instance)) {
            assertThat(rows(writer, create("Ann", "ann@example.org", null))).isEqualTo(1);
            String key;
            try (Connection c = db.connect(database); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select id from users where username = 'ann'")) {
                rs.next();
                key = rs.getString(1);
            }
            Patch rename = new Patch("b", 1, key, "ann", Patch.Kind.UPDATE, Map.of(Fields.DISPLAY_NAME, "Ann B"),
                    Map.of(Fields.DISPLAY_NAME, "Ann"), "test");
            userSets("full_name", "Ann from here");
            assertThat(rows(writer, rename)).isZero();
            assertThat(ann()).containsExactly("Ann from here", "ann@example.org");
            userSets("full_name", "Ann");
            assertThat(rows(writer, rename)).isEqualTo(1);
            assertThat(rows(writer, rename)).as("a replay").isZero();
            assertThat(ann()).containsExactly("Ann B", "ann@example.org");
        }
    }
    @ParameterizedTest
    @ValueSource(strings = {"pg1", "mariadb"})
    void shouldWriteABatchOfManyAccountsWithEachAccountsPatchesInOrder(String instance) throws Exception {
        try (JdbcPatchWriter writer = writer(instance)) {
            List<Patch> batch = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                batch.add(new Patch("b", i, null, "user" + i, Patch.Kind.CREATE,
                        Map.of(Fields.DISPLAY_NAME, "User " + i, Fields.EMAIL, "user" + i + "@example.org"), null, "test"));
            }
            // Account 7 again, planned before its first create's echo linked it: it must run after that create.
            batch.add(new Patch("b", 7, null, "user7", Patch.Kind.CREATE, Map.of(Fields.DISPLAY_NAME, "User 7 B"),
                    Map.of(Fields.DISPLAY_NAME, "User 7"), "test"));

            PatchWriter.WriteResult result = writer.write(batch, tx -> { });

            assertThat(result.rows()).as("40 inserts and one rename").isEqualTo(41);
            assertThat(result.statements()).as("an insert and an update per create").isEqualTo(82);
            try (Connection c = db.connect(database); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select username, full_name, email from users order by id")) {
                int n = 0;
                while (rs.next()) {
                    String name = rs.getString(1);
                    int i = Integer.parseInt(name.substring(4));
                    assertThat(rs.getString(2)).as(name).isEqualTo(i == 7 ? "User 7 B" : "User " + i);
                    assertThat(rs.getString(3)).as(name).isEqualTo(name + "@example.org");
                    n++;
                }
                assertThat(n).isEqualTo(40);
            }
            assertThat(writer.write(batch.subList(8, 40), tx -> { }).rows()).as("a replay").isZero();
        }
    }
}
