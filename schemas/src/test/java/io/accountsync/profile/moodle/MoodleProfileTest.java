package io.accountsync.profile.moodle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accountsync.model.AccountChange;
import io.accountsync.model.Dialect;
import io.accountsync.model.Fields;
import io.accountsync.model.Patch;
import io.accountsync.model.RowChange;
import io.accountsync.profile.AppSettings;
import io.accountsync.profile.BadRowException;
import io.accountsync.profile.ColumnLimits;
import io.accountsync.testsupport.apps.MoodleFixture;
import io.accountsync.testsupport.apps.PeopleGenerator;
import io.accountsync.testsupport.apps.Person;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class MoodleProfileTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final long NOW_SECONDS = NOW.getEpochSecond();
    private static final Instant COMMIT = Instant.parse("2026-02-01T08:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final MoodleProfile pg = new MoodleProfile(AppSettings.DEFAULTS, Dialect.POSTGRESQL, "moodle", CLOCK);
    private final MoodleProfile maria = new MoodleProfile(AppSettings.DEFAULTS, Dialect.MARIADB, "moodle", CLOCK);

    // ------------------------------------------------------------------ the splitting rule

    @ParameterizedTest(name = "\"{0}\" -> \"{1}\" / \"{2}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "Ana María García           | Ana       | María García",
            "Tom Sawyer                 | Tom       | Sawyer",
            "'  Tom    Sawyer  '        | Tom       | Sawyer",
            "Madonna                    | Madonna   | ''",
            "佐藤美咲                    | 佐藤美咲   | ''",
            "佐藤\u3000美咲              | 佐藤       | 美咲",
            "Jean\u00A0Pierre Dupont    | Jean\u00A0Pierre | Dupont",
            "Ελένη Παπαδοπούλου         | Ελένη     | Παπαδοπούλου",
            "Siobhán Ní Bhriain         | Siobhán   | Ní Bhriain",
            "José\tGarcía Márquez       | José      | García Márquez",
            "''                         | ''        | ''",
    })
    void shouldSplitADisplayNameAtTheFirstWhitespace(String display, String first, String last) {
        assertThat(MoodleNames.split(display)).isEqualTo(new MoodleNames.Names(first, last));
    }

    @Test
    void shouldReadBackEveryNameItWroteWhenWordsAreSeparatedByOneSpace() {
        for (String display : List.of("Ana María García", "Madonna", "佐藤美咲", "佐藤 美咲", "Ægir van der Berg", "Jean\u00A0Pierre")) {
            MoodleNames.Names n = MoodleNames.split(display);
            assertThat(MoodleNames.join(n.firstname(), n.lastname())).as(display).isEqualTo(display);
        }
        assertThat(MoodleNames.join("Madonna", "")).isEqualTo("Madonna");
        assertThat(MoodleNames.join("", "Sawyer")).isEqualTo("Sawyer");
    }

    @Test
    void shouldPreferGivenAndFamilyNamesAndFillTheMissingOneFromTheDisplayName() {
        assertThat(MoodleNames.forWrite(Map.of(Fields.DISPLAY_NAME, "X Y", Fields.GIVEN_NAME, "Ana María",
                Fields.FAMILY_NAME, "García"))).isEqualTo(new MoodleNames.Names("Ana María", "García"));
        // A multi-word given name: the family name is what follows it.
        assertThat(MoodleNames.forWrite(Map.of(Fields.DISPLAY_NAME, "Ana María García", Fields.GIVEN_NAME, "Ana María")))
                .isEqualTo(new MoodleNames.Names("Ana María", "García"));
        assertThat(MoodleNames.forWrite(Map.of(Fields.DISPLAY_NAME, "José García Márquez", Fields.FAMILY_NAME, "García Márquez")))
                .isEqualTo(new MoodleNames.Names("José", "García Márquez"));
        // The display name does not start with the given name: the other half of the split.
        assertThat(MoodleNames.forWrite(Map.of(Fields.DISPLAY_NAME, "Tom Sawyer", Fields.GIVEN_NAME, "Thomas")))
                .isEqualTo(new MoodleNames.Names("Thomas", "Sawyer"));
        // "Ana" is not a word of "Anabel Lee".
        assertThat(MoodleNames.forWrite(Map.of(Fields.DISPLAY_NAME, "Anabel Lee", Fields.GIVEN_NAME, "Ana")))
                .isEqualTo(new MoodleNames.Names("Ana", "Lee"));
        assertThat(MoodleNames.forWrite(Map.of(Fields.GIVEN_NAME, "Tom"))).isEqualTo(new MoodleNames.Names("Tom", null));
        assertThat(MoodleNames.forWrite(Map.of(Fields.EMAIL, "t@x"))).isEqualTo(new MoodleNames.Names(null, null));
    }

    // ------------------------------------------------------------------ usernames and limits

    @Test
    void shouldForceUsernamesToLowerCase() {
        assertThat(pg.normalizeUsername(" Tom_Sawyer ")).isEqualTo("tom_sawyer");
        assertThat(pg.normalizeUsername("ÆGIR.Øster")).isEqualTo("ægir.øster");
        assertThat(pg.correlationKey("Becky")).isEqualTo("becky");

        Patch create = new Patch("m", 1, null, "Becky_Thatcher", Patch.Kind.CREATE,
                Map.of(Fields.DISPLAY_NAME, "Becky Thatcher"), null, "test");
        String sql = render(SQLDialect.POSTGRES, pg, create).get(0);
        assertThat(sql).contains("'becky_thatcher'").doesNotContain("Becky_Thatcher");
    }

    @Test
    void shouldRefuseEmailsLongerThanMoodlesHundredCharacters() {
        String hundred = "a".repeat(100 - "@example.org".length()) + "@example.org";
        assertThat(hundred).hasSize(100);
        ColumnLimits catalog = (table, column) -> new ColumnLimits.Limit(
                table.equals("mdl_user") && column.equals("email") ? OptionalInt.of(100) : OptionalInt.empty(), true, "varchar");
        for (ColumnLimits limits : List.of(ColumnLimits.NONE, catalog)) {
            assertThat(pg.rejects(Fields.EMAIL, hundred, limits)).isEmpty();
            assertThat(pg.rejects(Fields.EMAIL, "b" + hundred, limits)).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("email").contains("at most 100").doesNotContain(hundred));
        }
        assertThat(pg.rejects(Fields.DISPLAY_NAME, "Tom " + "S".repeat(101), ColumnLimits.NONE))
                .hasValueSatisfying(r -> assertThat(r).contains("lastname").contains("at most 100"));
        assertThat(pg.rejects(Fields.DISPLAY_NAME, "Tom " + "S".repeat(100), ColumnLimits.NONE)).isEmpty();
        assertThat(pg.rejects(Fields.STATUS, "locked", ColumnLimits.NONE)).isPresent();
        assertThat(pg.rejects(Fields.STATUS, "suspended", ColumnLimits.NONE)).isEmpty();
    }

    @Test
    void shouldAcceptEveryFixtureUserAndRefuseTheGeneratedAddressesMoodleCannotHold() {
        List<MoodleFixture.User> users = MoodleFixture.users(7, 200);
        assertThat(users).allSatisfy(u -> {
            assertThat(u.username()).isEqualTo(u.username().toLowerCase(java.util.Locale.ROOT));
            assertThat(pg.rejects(Fields.EMAIL, u.email(), ColumnLimits.NONE)).as(u.email()).isEmpty();
            assertThat(pg.rejects(Fields.DISPLAY_NAME, MoodleNames.join(u.firstname(), u.lastname()), ColumnLimits.NONE)).isEmpty();
        });
        assertThat(users).anyMatch(u -> u.email().length() == 100);
        List<Person> people = new PeopleGenerator(7).people(200);
        assertThat(people).filteredOn(p -> p.email().length() > 100).isNotEmpty()
                .allSatisfy(p -> assertThat(pg.rejects(Fields.EMAIL, p.email(), ColumnLimits.NONE)).isPresent());
    }

    // ------------------------------------------------------------------ reading

    @Test
    void shouldCaptureTheUserTableWithPrefixAndSchema() {
        assertThat(pg.capturedTables()).containsExactly("public.mdl_user");
        assertThat(maria.capturedTables()).containsExactly("moodle.mdl_user");
        MoodleProfile custom = new MoodleProfile(new AppSettings("lms", "m2_", 3, null), Dialect.POSTGRESQL, "x");
        assertThat(custom.capturedTables()).containsExactly("lms.m2_user");
        assertThat(custom.writtenTables()).containsExactly("m2_user");
        assertThat(custom.passwordScheme()).isEqualTo("moodle");
        assertThat(pg.fields()).contains(Fields.DISPLAY_NAME, Fields.GIVEN_NAME, Fields.FAMILY_NAME, Fields.STATUS);
    }

    @Test
    void shouldMapStatusVerificationNamesAndPassword() throws Exception {
        AccountChange c = read(row(7, "tom", "Tom", "Sawyer", 1, 0, "$6$rounds=10000$salt$hash"));
        assertThat(c.kind()).isEqualTo(AccountChange.Kind.UPSERT);
        assertThat(c.snapshot()).isTrue();
        assertThat(c.localKey()).isEqualTo("7");
        assertThat(c.after()).containsEntry(Fields.DISPLAY_NAME, "Tom Sawyer").containsEntry(Fields.GIVEN_NAME, "Tom")
                .containsEntry(Fields.FAMILY_NAME, "Sawyer").containsEntry(Fields.EMAIL, "tom@example.org")
                .containsEntry(Fields.EMAIL_VERIFIED, "true").containsEntry(Fields.STATUS, "active")
                .containsEntry(Fields.PASSWORD, "$6$rounds=10000$salt$hash");
        assertThat(c.commitTime()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));

        AccountChange suspended = read(row(8, "becky", "Becky", "", (short) 0, (short) 1, "not cached"));
        assertThat(suspended.after()).containsEntry(Fields.DISPLAY_NAME, "Becky").containsEntry(Fields.EMAIL_VERIFIED, "false")
                .containsEntry(Fields.STATUS, "suspended").containsEntry(Fields.PASSWORD, null);
        // MariaDB's TINYINT(1) may arrive as a Boolean.
        AccountChange flags = read(row(9, "huck", "Huck", "Finn", true, false, ""));
        assertThat(flags.after()).containsEntry(Fields.EMAIL_VERIFIED, "true").containsEntry(Fields.STATUS, "active")
                .containsEntry(Fields.PASSWORD, null);
    }

    @Test
    void shouldIgnoreOtherHostsDeletedRowsTheGuestAndOtherTables() throws Exception {
        Map<String, Object> remote = row(10, "tom", "Tom", "Sawyer", 1, 0, "");
        remote.put("mnethostid", 3L);
        Map<String, Object> deleted = row(11, "tom@example.org.1700000000", "Tom", "Sawyer", 1, 0, "");
        deleted.put("deleted", (short) 1);
        Map<String, Object> guest = row(1, "guest", "Guest user", " ", 1, 0, "");
        for (Map<String, Object> r : List.of(remote, deleted, guest)) {
            assertThat(pg.normalize(change(RowChange.Op.READ, null, r))).isEmpty();
            assertThat(pg.normalize(change(RowChange.Op.CREATE, null, r))).isEmpty();
        }
        assertThat(pg.normalize(new RowChange("m", "public.mdl_user_preferences", RowChange.Op.CREATE, null,
                Map.of("id", 1), COMMIT, "lsn=1", "5"))).isEmpty();
        assertThat(new MoodleProfile(new AppSettings(null, null, 3, null), Dialect.POSTGRESQL, "x")
                .normalize(change(RowChange.Op.READ, null, remote))).hasSize(1);
    }

    @Test
    void shouldTurnANameChangeIntoEditsAndALoginIntoNothing() throws Exception {
        Map<String, Object> before = row(7, "tom", "Tom", "Sawyer", 1, 0, "");
        Map<String, Object> after = row(7, "tom", "Thomas", "Sawyer", 1, 0, "");
        AccountChange c = pg.normalize(change(RowChange.Op.UPDATE, before, after)).get(0);
        assertThat(c.snapshot()).isFalse();
        assertThat(c.commitTime()).isEqualTo(COMMIT);
        assertThat(c.edits(Fields.DISPLAY_NAME)).isTrue();
        assertThat(c.edits(Fields.GIVEN_NAME)).isTrue();
        assertThat(c.edits(Fields.FAMILY_NAME)).isFalse();
        assertThat(c.edits(Fields.EMAIL)).isFalse();

        Map<String, Object> login = new HashMap<>(before);
        login.put("lastaccess", 1_800_000_000L);
        login.put("lastip", "192.0.2.1");
        assertThat(pg.normalize(change(RowChange.Op.UPDATE, before, login))).isEmpty();

        Map<String, Object> suspended = new HashMap<>(before);
        suspended.put("suspended", (short) 1);
        AccountChange s = pg.normalize(change(RowChange.Op.UPDATE, before, suspended)).get(0);
        assertThat(s.edits(Fields.STATUS)).isTrue();
        assertThat(s.after()).containsEntry(Fields.STATUS, "suspended");
    }

    @Test
    void shouldTurnMoodlesDeletionIntoADeleteUnderTheOldUsername() throws Exception {
        Map<String, Object> before = row(7, "tom", "Tom", "Sawyer", 1, 0, "");
        Map<String, Object> after = new HashMap<>(before);
        after.put("deleted", (short) 1);
        after.put("username", "tom@example.org.1772366400");
        after.put("email", "34b7da764b21d298ef307d04d8152dc5");
        AccountChange c = pg.normalize(change(RowChange.Op.UPDATE, before, after)).get(0);
        assertThat(c.kind()).isEqualTo(AccountChange.Kind.DELETE);
        assertThat(c.username()).isEqualTo("tom");
        assertThat(c.localKey()).isEqualTo("7");
        assertThat(c.before()).containsEntry(Fields.EMAIL, "tom@example.org");
        assertThat(c.after()).containsExactly(Map.entry(Fields.STATUS, "deleted"));
        // An update of a row already deleted is nothing.
        assertThat(pg.normalize(change(RowChange.Op.UPDATE, after, after))).isEmpty();
    }

    @Test
    void shouldRejectRowsWithoutIdOrUsername() {
        Map<String, Object> noName = row(7, " ", "Tom", "Sawyer", 1, 0, "");
        assertThatThrownBy(() -> pg.normalize(change(RowChange.Op.CREATE, null, noName)))
                .isInstanceOf(BadRowException.class).hasMessageContaining("username is empty for id 7");
        Map<String, Object> noId = row(7, "tom", "Tom", "Sawyer", 1, 0, "");
        noId.put("id", null);
        assertThatThrownBy(() -> pg.normalize(change(RowChange.Op.CREATE, null, noId)))
                .isInstanceOf(BadRowException.class).hasMessageContaining("id is NULL");
    }

    // ------------------------------------------------------------------ writing

    @ParameterizedTest
    @EnumSource(value = SQLDialect.class, names = {"POSTGRES", "MARIADB"})
    void shouldRenderAnUpdateWithGuardsExpectationsAndTheTimemodifiedBump(SQLDialect dialect) {
        MoodleProfile profile = dialect == SQLDialect.POSTGRES ? pg : maria;
        Map<String, String> values = new LinkedHashMap<>();
        values.put(Fields.DISPLAY_NAME, "Ana María García");
        values.put(Fields.EMAIL, "ana@example.org");
        values.put(Fields.EMAIL_VERIFIED, "true");
        Patch patch = new Patch("m", 1, "42", "ana", Patch.Kind.UPDATE, values,
                Map.of(Fields.DISPLAY_NAME, "Ana García", Fields.EMAIL, "old@example.org"), "test");
        List<String> sql = render(dialect, profile, patch);
        assertThat(sql).hasSize(1);
        String update = sql.get(0);
        assertThat(update).startsWith("update " + q(dialect, dialect == SQLDialect.POSTGRES ? "public" : "moodle")
                + "." + q(dialect, "mdl_user") + " set " + q(dialect, "timemodified") + " = case when");
        assertThat(update).contains("then " + NOW_SECONDS + " else " + q(dialect, "timemodified") + " end")
                .contains(q(dialect, "firstname") + " = 'Ana'").contains(q(dialect, "lastname") + " = 'María García'")
                .contains(q(dialect, "email") + " = 'ana@example.org'").contains(q(dialect, "confirmed") + " = 1")
                .contains(q(dialect, "id") + " = 42").contains(q(dialect, "mnethostid") + " = 1")
                .contains(q(dialect, "deleted") + " = 0").contains("'guest'")
                .contains("'Ana García'").contains("'old@example.org'");
        if (dialect == SQLDialect.POSTGRES) {
            assertThat(update).contains("\"firstname\" is distinct from 'Ana'").contains("is not distinct from 'Ana García'");
        } else {
            // Byte-exact: a case-only change is a change in spite of the _ci collation.
            assertThat(update).contains("cast(`firstname` as binary) <=> cast('Ana' as binary)");
        }
        // confirmed is not among the fields that bump timemodified.
        String bump = update.substring(update.indexOf("case when"), update.indexOf(" end"));
        assertThat(bump).contains("firstname").contains("lastname").contains("email").doesNotContain("confirmed");
    }

    @ParameterizedTest
    @EnumSource(value = SQLDialect.class, names = {"POSTGRES", "MARIADB"})
    void shouldNotBumpTimemodifiedForVerificationOrPasswordAlone(SQLDialect dialect) {
        MoodleProfile profile = dialect == SQLDialect.POSTGRES ? pg : maria;
        Patch patch = new Patch("m", 1, "42", "ana", Patch.Kind.UPDATE,
                Map.of(Fields.EMAIL_VERIFIED, "false", Fields.PASSWORD, "$6$rounds=10000$x$y"), null, "test");
        String update = render(dialect, profile, patch).get(0);
        assertThat(update).doesNotContain("timemodified").contains(q(dialect, "confirmed") + " = 0")
                .contains("'$6$rounds=10000$x$y'");
        Patch suspend = new Patch("m", 1, "42", "ana", Patch.Kind.UPDATE, Map.of(Fields.STATUS, "suspended"), null, "t");
        assertThat(render(dialect, profile, suspend).get(0)).contains("timemodified").contains(q(dialect, "suspended") + " = 1");
        Patch delete = new Patch("m", 1, "42", "ana", Patch.Kind.UPDATE, Map.of(Fields.STATUS, "deleted"), null, "t");
        assertThat(render(dialect, profile, delete)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = SQLDialect.class, names = {"POSTGRES", "MARIADB"})
    void shouldRenderACreateWithMoodlesDefaultsOnlyWhereTheUsernameIsFree(SQLDialect dialect) {
        MoodleProfile profile = dialect == SQLDialect.POSTGRES ? pg : maria;
        Patch patch = new Patch("m", 1, null, "Madonna", Patch.Kind.CREATE,
                Map.of(Fields.DISPLAY_NAME, "Madonna", Fields.EMAIL, "m@example.org"), null, "test");
        List<String> sql = render(dialect, profile, patch);
        assertThat(sql).hasSize(2);
        assertThat(sql.get(0)).startsWith("insert into").contains("'manual'", "'madonna'", "'Madonna'", "'gregorian'",
                "'99'", "'en'", "'m@example.org'", Long.toString(NOW_SECONDS)).contains("not exists");
        assertThat(sql.get(1)).startsWith("update").contains("'madonna'").contains(q(dialect, "lastname") + " = ''");
        // Over a row inserted meanwhile, only where it still holds what the create expects.
        Patch later = new Patch("m", 1, null, "Madonna", Patch.Kind.CREATE, Map.of(Fields.EMAIL, "m2@example.org"),
                Map.of(Fields.EMAIL, "m@example.org"), "test");
        assertThat(render(dialect, profile, later).get(1)).contains("'madonna'").contains("'m@example.org'");
        Patch unverified = new Patch("m", 1, null, "x", Patch.Kind.CREATE, Map.of(Fields.EMAIL_VERIFIED, "false"), null, "t");
        assertThat(render(dialect, profile, unverified).get(0)).contains(q(dialect, "confirmed"));
    }

    @ParameterizedTest
    @EnumSource(value = SQLDialect.class, names = {"POSTGRES", "MARIADB"})
    void shouldRenderADeleteAsMoodlesDeleteUser(SQLDialect dialect) {
        MoodleProfile profile = dialect == SQLDialect.POSTGRES ? pg : maria;
        Patch patch = new Patch("m", 1, "42", "ana", Patch.Kind.DELETE, Map.of(), null, "test");
        List<String> sql = render(dialect, profile, patch);
        assertThat(sql).hasSize(MoodleProfile.DEPENDENT_TABLES.size() + 1);
        for (int i = 0; i < MoodleProfile.DEPENDENT_TABLES.size(); i++) {
            assertThat(sql.get(i)).startsWith("delete from").contains(q(dialect, "mdl_" + MoodleProfile.DEPENDENT_TABLES.get(i)))
                    .contains(q(dialect, "userid") + " = 42").contains("exists");
        }
        String update = sql.get(sql.size() - 1);
        assertThat(update).startsWith("update").contains(q(dialect, "deleted") + " = 1").contains("md5(")
                .contains("'@unknownemail.invalid'").contains("regexp_replace").contains(", 89)")
                .contains(q(dialect, "idnumber") + " = ''").contains(q(dialect, "picture") + " = 0")
                .contains(q(dialect, "timemodified") + " = " + NOW_SECONDS).contains(q(dialect, "deleted") + " = 0");
    }

    @Test
    void shouldRefuseANonNumericLocalKey() {
        Patch patch = new Patch("m", 1, "tom", "tom", Patch.Kind.UPDATE, Map.of(Fields.EMAIL, "t@x"), null, "t");
        assertThatThrownBy(() -> render(SQLDialect.POSTGRES, pg, patch)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("numeric user id");
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> render(SQLDialect dialect, MoodleProfile profile, Patch patch) {
        DSLContext dsl = DSL.using(dialect, new Settings().withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_QUOTED));
        return profile.write(dsl, patch, ColumnLimits.NONE).stream().map(dsl::renderInlined).collect(Collectors.toList());
    }

    private static String q(SQLDialect dialect, String name) {
        return dialect == SQLDialect.POSTGRES ? "\"" + name + "\"" : "`" + name + "`";
    }

    private AccountChange read(Map<String, Object> row) throws Exception {
        List<AccountChange> out = pg.normalize(change(RowChange.Op.READ, null, row));
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static RowChange change(RowChange.Op op, Map<String, Object> before, Map<String, Object> after) {
        return new RowChange("m", "public.mdl_user", op, before, after, COMMIT, "lsn=1", "77");
    }

    private static Map<String, Object> row(long id, String username, String first, String last, Object confirmed,
                                           Object suspended, String password) {
        Map<String, Object> r = new HashMap<>();
        r.put("id", id);
        r.put("auth", "manual");
        r.put("mnethostid", 1L);
        r.put("deleted", (short) 0);
        r.put("username", username);
        r.put("firstname", first);
        r.put("lastname", last);
        r.put("email", "tom@example.org");
        r.put("confirmed", confirmed);
        r.put("suspended", suspended);
        r.put("password", password);
        r.put("timemodified", 1_700_000_000L);
        r.put("lastaccess", 0L);
        return r;
    }
}
