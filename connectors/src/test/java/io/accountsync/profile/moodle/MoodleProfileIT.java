package io.accountsync.profile.moodle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.accountsync.apply.JdbcPatchWriter;
import io.accountsync.capture.CaptureEngine;
import io.accountsync.capture.CaptureSettings;
import io.accountsync.capture.EngineState;
import io.accountsync.capture.FullReader;
import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import io.accountsync.model.AccountChange;
import io.accountsync.model.Dialect;
import io.accountsync.model.Fields;
import io.accountsync.model.Patch;
import io.accountsync.model.RowChange;
import io.accountsync.profile.AppSettings;
import io.accountsync.profile.Profile;
import io.accountsync.testsupport.DbInstance;
import io.accountsync.testsupport.TestDatabases;
import io.accountsync.testsupport.apps.MoodleFixture;
import io.accountsync.testsupport.apps.MoodleFixture.User;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code moodle} profile against Moodle's tables (built by {@link MoodleFixture}) on PostgreSQL and
 * MariaDB, a fresh database per test: the full read, what capture makes of Moodle's own changes, and
 * creates, updates and deletes that do what Moodle does and change nothing when repeated.
 */
class MoodleProfileIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = MoodleFixture.PREFIX;
    /** When the fixture's users were created: long ago, so that any bump shows. */
    private static final long T0 = 1_700_000_000L;
    /** The profile's clock in write tests. */
    private static final long T1 = 1_760_000_000L;

    @TempDir
    Path workDir;

    private DbInstance db;
    private String database;
    private final String env = "moodle" + Long.toString(RANDOM.nextLong() & 0xffffff, 36);
    private final List<CaptureEngine> engines = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        engines.forEach(CaptureEngine::close);
        if (database != null) {
            db.dropDatabase(database);
        }
    }

    private void site(String instance) throws SQLException {
        db = instance.equals("pg1") ? TestDatabases.pg1() : TestDatabases.mariadb();
        database = db.createDatabase("moodle");
        try (Connection c = connect()) {
            MoodleFixture.create(c, db.dialect(), PREFIX);
        }
    }

    // ------------------------------------------------------------------ reading

    @ParameterizedTest
    @ValueSource(strings = {"pg1", "mariadb"})
    void shouldReadOnlyThisSitesLiveAccountsWithTheirNamesJoined(String instance) throws Exception {
        site(instance);
        List<User> users = MoodleFixture.users(11, 6);
        Map<String, User> expected = new LinkedHashMap<>();
        try (Connection c = connect()) {
            MoodleFixture.addUser(c, PREFIX, new User("guest", "Guest user", " ", "root@localhost", "", true, 1), T0);
            for (int i = 0; i < users.size(); i++) {
                MoodleFixture.addUser(c, PREFIX, users.get(i), T0 + i);
                expected.put(users.get(i).username(), users.get(i));
            }
            User madonna = new User("madonna", "Madonna", "", "m@example.org", "$6$rounds=10000$s$h", false, 1);
            MoodleFixture.addUser(c, PREFIX, madonna, T0 + 100);
            expected.put("madonna", madonna);
            // The same username on another MNet host, and an account deleted by Moodle.
            MoodleFixture.addUser(c, PREFIX, users.get(0).withMnetHostId(3), T0);
            long gone = MoodleFixture.addUser(c, PREFIX, new User("gone", "Gone", "Away", "gone@example.org", "", true, 1), T0);
            MoodleFixture.deleteUser(c, PREFIX, gone, T0 + 5);
        }

        List<AccountChange> read = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        FullReader.read(env, connection(), profile(Clock.systemUTC()), new Profile.ReadSink() {
            @Override
            public void account(AccountChange change) {
                read.add(change);
            }

            @Override
            public void bad(String reason) {
                bad.add(reason);
            }
        });

        assertThat(bad).isEmpty();
        assertThat(read).extracting(AccountChange::username).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (AccountChange c : read) {
            User u = expected.get(c.username());
            assertThat(c.snapshot()).isTrue();
            assertThat(c.kind()).isEqualTo(AccountChange.Kind.UPSERT);
            assertThat(c.after()).containsEntry(Fields.DISPLAY_NAME, (u.firstname() + " " + u.lastname()).strip())
                    .containsEntry(Fields.GIVEN_NAME, u.firstname()).containsEntry(Fields.FAMILY_NAME, u.lastname())
                    .containsEntry(Fields.EMAIL, u.email())
                    .containsEntry(Fields.EMAIL_VERIFIED, Boolean.toString(u.confirmed()))
                    .containsEntry(Fields.STATUS, "active");
        }
        AccountChange madonna = read.stream().filter(c -> c.username().equals("madonna")).findFirst().orElseThrow();
        assertThat(madonna.after()).containsEntry(Fields.DISPLAY_NAME, "Madonna")
                .containsEntry(Fields.PASSWORD, "$6$rounds=10000$s$h");
        assertThat(madonna.commitTime()).isEqualTo(Instant.ofEpochSecond(T0 + 100));
        assertThat(read.stream().filter(c -> c.username().equals(users.get(2).username())).findFirst().orElseThrow()
                .commitTime()).isEqualTo(Instant.ofEpochSecond(T0 + 2));
    }

    // ------------------------------------------------------------------ capture

    @ParameterizedTest
    @ValueSource(strings = {"pg1", "mariadb"})
    void shouldTurnMoodlesOwnChangesIntoAccountChanges(String instance) throws Exception {
        site(instance);
        long tom;
        long becky;
        long huck;
        try (Connection c = connect()) {
            tom = MoodleFixture.addUser(c, PREFIX, new User("tom", "Tom", "Sawyer", "tom@example.org", "", true, 1), T0);
            becky = MoodleFixture.addUser(c, PREFIX, new User("becky", "Becky", "Thatcher", "becky@example.org", "", true, 1), T0);
            huck = MoodleFixture.addUser(c, PREFIX, new User("huck", "Huck", "Finn", "", "", false, 1), T0);
            MoodleFixture.addDependents(c, PREFIX, huck);
        }
        MoodleProfile profile = profile(Clock.systemUTC());
        List<RowChange> captured = new CopyOnWriteArrayList<>();
        CaptureSettings settings = db.dialect() == Dialect.POSTGRESQL
                ? CaptureSettings.postgres(env, connection(), profile.capturedTables(), workDir)
                : CaptureSettings.binlog(env, connection(), profile.capturedTables(), workDir,
                        100_000 + RANDOM.nextInt(1_000_000_000));
        CaptureEngine engine = new CaptureEngine(settings.withSnapshotMode("no_data"), captured::addAll, null);
        engines.add(engine);
        engine.start();
        await().atMost(TIMEOUT).until(() -> engine.state() == EngineState.RUNNING);

        // The stream is connected once a login shows up; a login itself is no account change.
        long[] loginTime = {T0};
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
            try (Connection c = connect()) {
                MoodleFixture.login(c, PREFIX, tom, ++loginTime[0]);
            }
            return captured.stream().anyMatch(r -> Objects.equals(id(r), tom));
        });

        long t1 = MoodleFixture.now();
        try (Connection c = connect()) {
            assertThat(MoodleFixture.updateUser(c, PREFIX, tom, Map.of("firstname", "Thomas", "lastname", "Sawyer Jr"), t1)).isTrue();
            assertThat(MoodleFixture.updateUser(c, PREFIX, tom, Map.of("firstname", "Thomas"), t1 + 1)).isFalse();
            MoodleFixture.suspend(c, PREFIX, becky, t1);
            MoodleFixture.confirm(c, PREFIX, huck);
            MoodleFixture.deleteUser(c, PREFIX, huck, t1);
        }
        await().atMost(TIMEOUT).until(() -> captured.stream().anyMatch(r -> Objects.equals(id(r), huck)
                && r.after() != null && "true".equals(io.accountsync.profile.Values.flag(r.after().get("deleted")))));

        Profile.Normalized normalized = profile.normalizeBatch(List.copyOf(captured));
        assertThat(normalized.bad()).isEmpty();
        List<AccountChange> changes = normalized.changes();

        // The logins before it are no account changes: the rename is tom's only one.
        AccountChange renamed = single(changes, tom);
        assertThat(renamed.kind()).isEqualTo(AccountChange.Kind.UPSERT);
        assertThat(renamed.username()).isEqualTo("tom");
        assertThat(renamed.before()).containsEntry(Fields.DISPLAY_NAME, "Tom Sawyer");
        assertThat(renamed.after()).containsEntry(Fields.DISPLAY_NAME, "Thomas Sawyer Jr")
                .containsEntry(Fields.GIVEN_NAME, "Thomas").containsEntry(Fields.FAMILY_NAME, "Sawyer Jr");
        assertThat(renamed.edits(Fields.DISPLAY_NAME)).isTrue();
        assertThat(renamed.edits(Fields.GIVEN_NAME)).isTrue();
        assertThat(renamed.edits(Fields.FAMILY_NAME)).isTrue();
        assertThat(renamed.edits(Fields.EMAIL)).isFalse();
        assertThat(renamed.edits(Fields.STATUS)).isFalse();
        assertThat(renamed.snapshot()).isFalse();
        assertThat(renamed.txId()).isNotBlank();

        AccountChange suspended = single(changes, becky);
        assertThat(suspended.edits(Fields.STATUS)).isTrue();
        assertThat(suspended.after()).containsEntry(Fields.STATUS, "suspended");
        assertThat(suspended.edits(Fields.DISPLAY_NAME)).isFalse();

        List<AccountChange> hucks = changes.stream().filter(c -> c.localKey().equals(Long.toString(huck))).toList();
        assertThat(hucks).extracting(AccountChange::kind)
                .containsExactly(AccountChange.Kind.UPSERT, AccountChange.Kind.DELETE);
        assertThat(hucks.get(0).edits(Fields.EMAIL_VERIFIED)).isTrue();
        AccountChange deleted = hucks.get(1);
        assertThat(deleted.username()).isEqualTo("huck");
        assertThat(deleted.before()).containsEntry(Fields.DISPLAY_NAME, "Huck Finn");
        assertThat(deleted.after()).containsEntry(Fields.STATUS, "deleted");
    }

    // ------------------------------------------------------------------ writing

    @ParameterizedTest
    @ValueSource(strings = {"pg1", "mariadb"})
    void shouldCreateAManualAccountWithMoodlesDefaultsOnce(String instance) throws Exception {
        site(instance);
        MoodleProfile profile = profile(Clock.fixed(Instant.ofEpochSecond(T1), ZoneOffset.UTC));
        long remote;
        try (Connection c = connect()) {
            remote = MoodleFixture.addUser(c, PREFIX, new User("becky_thatcher", "B", "T", "b@remote.example", "", true, 3), T0);
        }
        Patch becky = create("Becky_Thatcher", Map.of(Fields.DISPLAY_NAME, "Becky Thatcher",
                Fields.EMAIL, "becky@example.org", Fields.PASSWORD, "$6$rounds=10000$salt$hash"));
        Patch madonna = create("Madonna", Map.of(Fields.DISPLAY_NAME, "Madonna", Fields.EMAIL, "m@example.org",
                Fields.EMAIL_VERIFIED, "false", Fields.STATUS, "suspended"));

        assertThat(write(profile, becky, madonna)).isEqualTo(2);

        try (Connection c = connect()) {
            long id = MoodleFixture.idOf(c, PREFIX, "becky_thatcher", 1);
            assertThat(id).isPositive().isNotEqualTo(remote);
            Map<String, Object> row = MoodleFixture.row(c, PREFIX, id);
            assertThat(row).containsEntry("auth", "manual").containsEntry("confirmed", 1).containsEntry("policyagreed", 0)
                    .containsEntry("deleted", 0).containsEntry("suspended", 0).containsEntry("mnethostid", 1L)
                    .containsEntry("username", "becky_thatcher").containsEntry("password", "$6$rounds=10000$salt$hash")
                    .containsEntry("idnumber", "").containsEntry("firstname", "Becky").containsEntry("lastname", "Thatcher")
                    .containsEntry("email", "becky@example.org").containsEntry("emailstop", 0)
                    .containsEntry("phone1", "").containsEntry("city", "").containsEntry("country", "")
                    .containsEntry("lang", "en").containsEntry("calendartype", "gregorian").containsEntry("theme", "")
                    .containsEntry("timezone", "99").containsEntry("firstaccess", 0L).containsEntry("lastaccess", 0L)
                    .containsEntry("lastlogin", 0L).containsEntry("currentlogin", 0L).containsEntry("lastip", "")
                    .containsEntry("secret", "").containsEntry("picture", 0L).containsEntry("description", null)
                    .containsEntry("descriptionformat", 1).containsEntry("mailformat", 1).containsEntry("maildigest", 0)
                    .containsEntry("maildisplay", 2).containsEntry("autosubscribe", 1).containsEntry("trackforums", 0)
                    .containsEntry("timecreated", T1).containsEntry("timemodified", T1).containsEntry("trustbitmask", 0L)
                    .containsEntry("imagealt", null);
            Map<String, Object> m = MoodleFixture.row(c, PREFIX, MoodleFixture.idOf(c, PREFIX, "madonna", 1));
            assertThat(m).containsEntry("firstname", "Madonna").containsEntry("lastname", "")
                    .containsEntry("confirmed", 0).containsEntry("suspended", 1).containsEntry("password", "");
        }

        Profile p2 = profile(Clock.fixed(Instant.ofEpochSecond(T1 + 60), ZoneOffset.UTC));
        assertThat(write(p2, becky, madonna)).as("a replayed create").isZero();

        // Becky renames herself before accountsync captured her account: a create planned meanwhile (its echo not
        // linked yet) writes over the name neither when it expects the value written before (the account's one
        // statement, with the email, is left out) nor when it is a new account's (expecting nothing there); once
        // the row holds what it expects, it is written.
        long id;
        try (Connection c = connect()) {
            id = MoodleFixture.idOf(c, PREFIX, "becky_thatcher", 1);
            assertThat(MoodleFixture.updateUser(c, PREFIX, id, Map.of("firstname", "Bex"), T1 + 30)).isTrue();
        }
        Patch fresh = new Patch("m", 1, null, "Becky_Thatcher", Patch.Kind.CREATE, Map.of(Fields.DISPLAY_NAME,
                "Rebecca Thatcher"), java.util.Collections.singletonMap(Fields.DISPLAY_NAME, null), "test");
        Patch late = new Patch("m", 1, null, "Becky_Thatcher", Patch.Kind.CREATE, Map.of(Fields.DISPLAY_NAME, "Rebecca Thatcher",
                Fields.EMAIL, "rebecca@example.org"), Map.of(Fields.DISPLAY_NAME, "Becky Thatcher",
                Fields.EMAIL, "becky@example.org"), "test");
        assertThat(write(p2, fresh)).isZero();
        assertThat(write(p2, late)).isZero();
        assertThat(row(id)).containsEntry("firstname", "Bex").containsEntry("lastname", "Thatcher")
                .containsEntry("email", "becky@example.org");
        try (Connection c = connect()) {
            assertThat(MoodleFixture.updateUser(c, PREFIX, id, Map.of("firstname", "Becky"), T1 + 40)).isTrue();
        }
        assertThat(write(p2, late)).isEqualTo(1);
        assertThat(row(id)).containsEntry("firstname", "Rebecca").containsEntry("email", "rebecca@example.org");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pg1", "mariadb"})
    void shouldUpdateTheSplitNamesAndBumpTimemodifiedOnlyOnARealChange(String instance) throws Exception {
        site(instance);
        MoodleProfile profile = profile(Clock.fixed(Instant.ofEpochSecond(T1), ZoneOffset.UTC));
        long ana;
        try (Connection c = connect()) {
            ana = MoodleFixture.addUser(c, PREFIX, new User("ana", "Ana", "García", "ana@example.org", "", true, 1), T0);
        }
        Patch rename = update(ana, Map.of(Fields.DISPLAY_NAME, "Ana María García"), Map.of(Fields.DISPLAY_NAME, "Ana García"));
        assertThat(write(profile, rename)).isEqualTo(1);
        assertThat(row(ana)).containsEntry("firstname", "Ana").containsEntry("lastname", "María García")
                .containsEntry("timemodified", T1);
        assertThat(write(profile(Clock.fixed(Instant.ofEpochSecond(T1 + 60), ZoneOffset.UTC)), rename)).isZero();
        assertThat(row(ana)).containsEntry("timemodified", T1);

        // A case-only correction is a change, also under MariaDB's case-insensitive collation.
        Patch lower = update(ana, Map.of(Fields.DISPLAY_NAME, "Ana maría garcía"), Map.of());
        assertThat(write(profile, lower)).isEqualTo(1);
        assertThat(row(ana)).containsEntry("lastname", "maría garcía");

        // Given and family names as they come; the bump is the write's time.
        MoodleProfile later = profile(Clock.fixed(Instant.ofEpochSecond(T1 + 120), ZoneOffset.UTC));
        Patch parts = update(ana, Map.of(Fields.GIVEN_NAME, "Ana María", Fields.FAMILY_NAME, "García"), Map.of());
        assertThat(write(later, parts)).isEqualTo(1);
        assertThat(row(ana)).containsEntry("firstname", "Ana María").containsEntry("lastname", "García")
                .containsEntry("timemodified", T1 + 120);

        // Verification and password are set_field() in Moodle: no bump.
        MoodleProfile evenLater = profile(Clock.fixed(Instant.ofEpochSecond(T1 + 180), ZoneOffset.UTC));
        Patch unverify = update(ana, Map.of(Fields.EMAIL_VERIFIED, "false", Fields.PASSWORD, "$6$rounds=10000$a$b"), Map.of());
        assertThat(write(evenLater, unverify)).isEqualTo(1);
        assertThat(row(ana)).containsEntry("confirmed", 0).containsEntry("password", "$6$rounds=10000$a$b")
                .containsEntry("timemodified", T1 + 120);
        assertThat(write(evenLater, unverify)).isZero();

        // Suspension is user_update_user() in Moodle: bumped.
        Patch suspend = update(ana, Map.of(Fields.STATUS, "suspended"), Map.of(Fields.STATUS, "active"));
        assertThat(write(evenLater, suspend)).isEqualTo(1);
        assertThat(row(ana)).containsEntry("suspended", 1).containsEntry("timemodified", T1 + 180);
        assertThat(write(evenLater, suspend)).isZero();

        // Never over an edit accountsync has not seen.
        Patch stale = update(ana, Map.of(Fields.DISPLAY_NAME, "Somebody Else", Fields.EMAIL, "x@example.org"),
                Map.of(Fields.DISPLAY_NAME, "Ana García"));
        assertThat(write(evenLater, stale)).isZero();
        assertThat(row(ana)).containsEntry("firstname", "Ana María").containsEntry("email", "ana@example.org");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pg1", "mariadb"})
    void shouldDeleteAsMoodlesDeleteUserDoesAndOnlyOnce(String instance) throws Exception {
        site(instance);
        MoodleProfile profile = profile(Clock.fixed(Instant.ofEpochSecond(T1), ZoneOffset.UTC));
        long tom;
        long tommy;
        long nomail;
        long becky;
        long guest;
        try (Connection c = connect()) {
            guest = MoodleFixture.addUser(c, PREFIX, new User("guest", "Guest user", " ", "root@localhost", "", true, 1), T0);
            // Two accounts with one address, deleted in one batch in the same second: Moodle counts the time up.
            tom = MoodleFixture.addUser(c, PREFIX, new User("tom", "Tom", "Sawyer", "Tom.Sawyer+MO@Example.org", "", true, 1), T0);
            tommy = MoodleFixture.addUser(c, PREFIX, new User("tommy", "Tommy", "Sawyer", "tom.sawyer+mo@example.org", "", true, 1), T0);
            nomail = MoodleFixture.addUser(c, PREFIX, new User("nomail", "No", "Mail", "", "", true, 1), T0);
            becky = MoodleFixture.addUser(c, PREFIX, new User("becky", "Becky", "Thatcher", "b@example.org", "", true, 1), T0);
            for (long id : new long[] {tom, tommy, nomail, becky}) {
                MoodleFixture.addDependents(c, PREFIX, id);
            }
        }
        int dependents = MoodleFixture.DEPENDENT_TABLES.size();

        assertThat(write(profile, delete(tom), delete(tommy), delete(nomail), delete(guest)))
                .isEqualTo(3 * (dependents + 1));

        try (Connection c = connect()) {
            assertThat(MoodleFixture.row(c, PREFIX, tom)).containsEntry("deleted", 1)
                    .containsEntry("username", "tom.sawyermo@example.org." + T1)
                    .containsEntry("email", MoodleFixture.md5("tom")).containsEntry("idnumber", "")
                    .containsEntry("picture", 0L).containsEntry("timemodified", T1)
                    .containsEntry("firstname", "Tom").containsEntry("mnethostid", 1L);
            assertThat(MoodleFixture.row(c, PREFIX, tommy)).containsEntry("username", "tom.sawyermo@example.org." + (T1 + 1))
                    .containsEntry("email", MoodleFixture.md5("tommy"));
            assertThat(MoodleFixture.row(c, PREFIX, nomail))
                    .containsEntry("username", "nomail." + nomail + "@unknownemail.invalid." + T1);
            assertThat(MoodleFixture.row(c, PREFIX, guest)).containsEntry("deleted", 0).containsEntry("username", "guest");
            for (long id : new long[] {tom, tommy, nomail}) {
                assertThat(MoodleFixture.dependents(c, PREFIX, id).values()).containsOnly(0);
            }
            assertThat(MoodleFixture.dependents(c, PREFIX, becky).values()).containsOnly(1);

            // The profile's rewrite is Moodle's: the fixture's delete_user() names a third one after the two.
            long third = MoodleFixture.addUser(c, PREFIX, new User("t3", "T", "S", "tom.sawyermo@example.org", "", true, 1), T0);
            assertThat(MoodleFixture.deleteUser(c, PREFIX, third, T1)).isEqualTo("tom.sawyermo@example.org." + (T1 + 2));
        }

        MoodleProfile later = profile(Clock.fixed(Instant.ofEpochSecond(T1 + 60), ZoneOffset.UTC));
        assertThat(write(later, delete(tom), delete(tommy), delete(nomail))).as("a replayed delete").isZero();
        assertThat(row(tom)).containsEntry("username", "tom.sawyermo@example.org." + T1).containsEntry("timemodified", T1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pg1", "mariadb"})
    void shouldCutTheDeletedNameToMoodlesHundredCharacters(String instance) throws Exception {
        site(instance);
        MoodleProfile profile = profile(Clock.fixed(Instant.ofEpochSecond(T1), ZoneOffset.UTC));
        String email = MoodleFixture.emailOfLength(100);
        long id;
        try (Connection c = connect()) {
            id = MoodleFixture.addUser(c, PREFIX, new User("long", "L", "Ong", email, "", true, 1), T0);
        }
        assertThat(write(profile, delete(id))).isEqualTo(1);
        String name = (String) row(id).get("username");
        assertThat(name).hasSize(100).isEqualTo(email.substring(0, 89) + "." + T1);
    }

    // ------------------------------------------------------------------ helpers

    private MoodleProfile profile(Clock clock) {
        return new MoodleProfile(AppSettings.DEFAULTS, db.dialect(), database, clock);
    }

    private ConnectionSettings connection() {
        return new ConnectionSettings(db.dialect(), db.host(), db.port(), database, db.user(), Secret.of(db.password()));
    }

    private Connection connect() {
        return db.connect(database);
    }

    /** Writes the patches in one transaction as the apply stage does; returns the rows changed. */
    private int write(Profile profile, Patch... patches) throws Exception {
        try (JdbcPatchWriter writer = new JdbcPatchWriter(env, connection(), profile)) {
            return writer.write(List.of(patches), tx -> { }).rows();
        }
    }

    private Map<String, Object> row(long id) throws SQLException {
        try (Connection c = connect()) {
            return MoodleFixture.row(c, PREFIX, id);
        }
    }

    private static Patch create(String username, Map<String, String> values) {
        return new Patch("m", 1, null, username, Patch.Kind.CREATE, values, null, "test");
    }

    private static Patch update(long id, Map<String, String> values, Map<String, String> expected) {
        return new Patch("m", 1, Long.toString(id), "x", Patch.Kind.UPDATE, values, expected, "test");
    }

    private static Patch delete(long id) {
        return new Patch("m", 1, Long.toString(id), "x", Patch.Kind.DELETE, Map.of(), null, "test");
    }

    private static Object id(RowChange r) {
        Map<String, Object> row = r.current();
        Object id = row == null ? null : row.get("id");
        return id instanceof Number n ? n.longValue() : id;
    }

    private static AccountChange single(List<AccountChange> changes, long id) {
        List<AccountChange> mine = changes.stream().filter(c -> c.localKey().equals(Long.toString(id))).toList();
        assertThat(mine).hasSize(1);
        return mine.get(0);
    }
}
