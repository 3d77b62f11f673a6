package io.accountsync.profile.mediawiki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.accountsync.apply.JdbcPatchWriter;
import io.accountsync.apply.PatchWriter;
import io.accountsync.capture.CaptureEngine;
import io.accountsync.capture.CaptureSettings;
import io.accountsync.capture.EngineState;
import io.accountsync.capture.FullReader;
import io.accountsync.capture.TransactionIds;
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
import io.accountsync.testsupport.apps.MediaWikiFixture;
import io.accountsync.testsupport.apps.Person;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code mediawiki} profile against MediaWiki's own tables on the private PostgreSQL and
 * MariaDB instances, each test in a fresh database: full reads, changes captured while the fixture
 * acts like MediaWiki, and writes read back.
 */
class MediaWikiProfileIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String HASH = ":pbkdf2:sha512:30000:64:c2FsdHNhbHRzYWx0:aGFzaGhhc2hoYXNoaGFzaA==";

    @TempDir
    Path workDir;

    private final List<CaptureEngine> engines = new ArrayList<>();
    private final List<Wiki> wikis = new ArrayList<>();

    /** One MediaWiki database created for a test. */
    private record Wiki(Dialect dialect, DbInstance db, String database, String env, MediaWikiProfile profile) {

        Connection connect() {
            return db.connect(database);
        }

        ConnectionSettings connection() {
            return new ConnectionSettings(dialect, db.host(), db.port(), database, db.user(), Secret.of(db.password()));
        }
    }

    private Wiki wiki(Dialect d) throws SQLException {
        DbInstance db = d == Dialect.POSTGRESQL ? TestDatabases.pg1() : TestDatabases.mariadb();
        String database = db.createDatabase("mw");
        Wiki w = new Wiki(d, db, database, "mw" + Long.toString(RANDOM.nextLong() & 0xffffffL, 36),
                new MediaWikiProfile(AppSettings.DEFAULTS, d, database));
        wikis.add(w);
        try (Connection c = w.connect()) {
            MediaWikiFixture.create(c, d, "");
        }
        return w;
    }

    @AfterEach
    void cleanUp() {
        engines.forEach(CaptureEngine::close);
        for (Wiki w : wikis) {
            w.db().dropDatabase(w.database());
        }
    }

    // ------------------------------------------------------------------ reading

    @ParameterizedTest
    @EnumSource(value = Dialect.class, names = {"POSTGRESQL", "MARIADB"})
    void shouldReadEveryAccountButTemporaryOnesWithValuesDecoded(Dialect d) throws Exception {
        Wiki w = wiki(d);
        List<Person> people = MediaWikiFixture.people(7, 12);
        long tom;
        long zoe;
        long temp;
        long broken = -1;
        try (Connection c = w.connect()) {
            tom = MediaWikiFixture.addUser(c, d, "", "tom_sawyer", "Tom Sawyer", "tom@example.org", true);
            zoe = MediaWikiFixture.addUser(c, d, "", "zoë", "Zoë Ørsted-Łukasz 美咲 🌸", "zoë@example.org", false);
            temp = MediaWikiFixture.addTemporaryUser(c, d, "", "~2025-1");
            MediaWikiFixture.addPeople(c, d, "", people);
            if (d == Dialect.MARIADB) {
                // '' in a BINARY(14) is stored as fourteen NUL bytes; it is no authentication time.
                execute(c, "UPDATE `user` SET user_email_authenticated = '' WHERE user_id = ?", zoe);
                broken = MediaWikiFixture.addUser(c, d, "", "Broken", "x", "b@example.org", false);
                execute(c, "UPDATE `user` SET user_real_name = X'54C328' WHERE user_id = ?", broken);
            }
        }

        Map<String, AccountChange> read = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        readAll(w, read, bad);

        assertThat(read).doesNotContainKey(Long.toString(temp)).hasSize(people.size() + 2);
        AccountChange t = read.get(Long.toString(tom));
        assertThat(t.username()).isEqualTo("Tom sawyer");
        assertThat(t.snapshot()).isTrue();
        assertThat(t.after()).containsEntry(Fields.DISPLAY_NAME, "Tom Sawyer").containsEntry(Fields.EMAIL, "tom@example.org")
                .containsEntry(Fields.EMAIL_VERIFIED, "true").containsEntry(Fields.PASSWORD, null);
        try (Connection c = w.connect()) {
            Map<String, Object> row = MediaWikiFixture.row(c, d, "", tom);
            assertThat(t.commitTime()).isEqualTo(MediaWikiFixture.instant(row.get("user_touched")));
            if (d == Dialect.MARIADB) {
                byte[] authenticated = (byte[]) MediaWikiFixture.row(c, d, "", zoe).get("user_email_authenticated");
                assertThat(authenticated).hasSize(14).containsOnly(0); // the padding is really there
            }
        }
        AccountChange z = read.get(Long.toString(zoe));
        assertThat(z.username()).isEqualTo("Zoë");
        assertThat(z.after()).containsEntry(Fields.DISPLAY_NAME, "Zoë Ørsted-Łukasz 美咲 🌸")
                .containsEntry(Fields.EMAIL, "zoë@example.org").containsEntry(Fields.EMAIL_VERIFIED, "false");
        for (Person p : people) {
            assertThat(read.values()).filteredOn(c -> c.username().equals(w.profile().normalizeUsername(p.username())))
                    .singleElement().satisfies(c -> assertThat(c.after()).containsEntry(Fields.DISPLAY_NAME, p.displayName())
                            .containsEntry(Fields.EMAIL, p.email()));
        }
        if (d == Dialect.MARIADB) {
            assertThat(bad).singleElement().asString().contains("column user_real_name holds bytes that are not valid UTF-8")
                    .contains("user_id " + broken);
        } else {
            assertThat(bad).isEmpty();
        }
    }

    // ------------------------------------------------------------------ capture

    @ParameterizedTest
    @EnumSource(value = Dialect.class, names = {"POSTGRESQL", "MARIADB"})
    void shouldCaptureMediaWikisEditsAndSeeCacheInvalidationsAsNoEdit(Dialect d) throws Exception {
        Wiki w = wiki(d);
        long tom;
        try (Connection c = w.connect()) {
            tom = MediaWikiFixture.addUser(c, d, "", "tom_sawyer", "Tom Sawyer", "tom@example.org", false);
        }
        List<RowChange> rows = new CopyOnWriteArrayList<>();
        CaptureSettings settings = d == Dialect.POSTGRESQL
                ? CaptureSettings.postgres(w.env(), w.connection(), w.profile().capturedTables(), workDir)
                : CaptureSettings.binlog(w.env(), w.connection(), w.profile().capturedTables(), workDir,
                        100_000 + RANDOM.nextInt(1_000_000_000));
        CaptureEngine engine = new CaptureEngine(settings.withSnapshotMode("no_data"), rows::addAll, null);
        engines.add(engine);
        engine.start();
        await().atMost(TIMEOUT).until(() -> engine.state() == EngineState.RUNNING);
        awaitStreaming(w, rows, tom);

        try (Connection c = w.connect()) {
            MediaWikiFixture.saveSettings(c, d, "", tom, s -> s.withRealName("Thomas Sawyer"));
        }
        // Priming touches still on their way arrive before it: count from the rename on.
        await().atMost(TIMEOUT).until(() -> changesOf(w, rows, tom).stream()
                .anyMatch(c -> "Thomas Sawyer".equals(c.after().get(Fields.DISPLAY_NAME))));
        List<AccountChange> sofar = changesOf(w, rows, tom);
        int seen = 0;
        while (!"Thomas Sawyer".equals(sofar.get(seen).after().get(Fields.DISPLAY_NAME))) {
            seen++;
        }
        AccountChange renamed = sofar.get(seen);
        assertThat(renamed.snapshot()).isFalse();
        assertThat(renamed.username()).isEqualTo("Tom sawyer");
        assertThat(renamed.after()).containsEntry(Fields.DISPLAY_NAME, "Thomas Sawyer");
        assertThat(edited(w.profile(), renamed)).containsExactly(Fields.DISPLAY_NAME);

        try (Connection c = w.connect()) {
            MediaWikiFixture.touch(c, d, "", tom);
        }
        AccountChange touched = awaitChange(w, rows, tom, seen + 2);
        assertThat(edited(w.profile(), touched)).as("a user_touched-only bump edits nothing").isEmpty();
        assertThat(touched.before()).isEqualTo(touched.after());

        try (Connection c = w.connect()) {
            MediaWikiFixture.confirmEmail(c, d, "", tom);
        }
        AccountChange confirmed = awaitChange(w, rows, tom, seen + 3);
        assertThat(edited(w.profile(), confirmed)).containsExactly(Fields.EMAIL_VERIFIED);
        assertThat(confirmed.after()).containsEntry(Fields.EMAIL_VERIFIED, "true");

        // accountsync's own write comes back with the transaction id the writer reported (echo recognition).
        try (PatchWriter writer = writer(w)) {
            PatchWriter.WriteResult result = writer.write(List.of(update(tom, Map.of(Fields.DISPLAY_NAME, "Tomás Sawyer"),
                    Map.of(Fields.DISPLAY_NAME, "Thomas Sawyer"))), tx -> { });
            assertThat(result.rows()).isEqualTo(1);
            AccountChange echo = awaitChange(w, rows, tom, seen + 4);
            assertThat(edited(w.profile(), echo)).containsExactly(Fields.DISPLAY_NAME);
            assertThat(echo.after()).containsEntry(Fields.DISPLAY_NAME, "Tomás Sawyer");
            // MariaDB: also marked by the tag its statements carry (known as an echo even if the id were never stored).
            assertThat(echo.txId()).isEqualTo(d == Dialect.POSTGRESQL ? result.txId() : result.txId() + TransactionIds.OWN_MARK);
        }
    }

    // ------------------------------------------------------------------ writing

    @ParameterizedTest
    @EnumSource(value = Dialect.class, names = {"POSTGRESQL", "MARIADB"})
    void shouldCreateAUserAsAddToDatabaseDoesWithItsActorAndOnlyOnce(Dialect d) throws Exception {
        Wiki w = wiki(d);
        long tom;
        try (Connection c = w.connect()) {
            tom = MediaWikiFixture.addUser(c, d, "", "Tom sawyer", "Tom Sawyer", "tom@example.org", false);
        }
        Patch becky = new Patch(w.env(), 1, null, "becky_thatcher", Patch.Kind.CREATE, Map.of(
                Fields.DISPLAY_NAME, "Becky Thätcher 🌸", Fields.EMAIL, "becky@example.org",
                Fields.EMAIL_VERIFIED, "true", Fields.PASSWORD, HASH), null, "missing in " + w.env());
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (PatchWriter writer = writer(w)) {
            PatchWriter.WriteResult first = writer.write(List.of(becky), tx -> { });
            assertThat(first.rows()).as("the user row and its actor row").isEqualTo(2);
            Instant after = Instant.now();

            try (Connection c = w.connect()) {
                long id = MediaWikiFixture.idOf(c, d, "", "Becky thatcher");
                assertThat(id).isPositive();
                Map<String, Object> row = MediaWikiFixture.row(c, d, "", id);
                assertThat(MediaWikiFixture.text(row.get("user_name"))).isEqualTo("Becky thatcher");
                assertThat(MediaWikiFixture.text(row.get("user_real_name"))).isEqualTo("Becky Thätcher 🌸");
                assertThat(MediaWikiFixture.text(row.get("user_email"))).isEqualTo("becky@example.org");
                assertThat(MediaWikiFixture.text(row.get("user_password"))).isEqualTo(HASH);
                assertThat(MediaWikiFixture.text(row.get("user_newpassword"))).isEmpty();
                assertThat(MediaWikiFixture.text(row.get("user_token"))).matches("[0-9a-f]{32}");
                for (String ts : List.of("user_touched", "user_registration", "user_email_authenticated")) {
                    assertThat(MediaWikiFixture.instant(row.get(ts))).as(ts).isBetween(before, after);
                }
                assertThat(((Number) row.get("user_editcount")).intValue()).isZero();
                assertThat(row.get("user_is_temp")).isIn(0, (short) 0, false);
                assertThat(row.get("user_email_token")).isNull();
                assertThat(row.get("user_newpass_time")).isNull();
                assertThat(MediaWikiFixture.actors(c, d, "", id)).singleElement().satisfies(a ->
                        assertThat(MediaWikiFixture.text(a.get("actor_name"))).isEqualTo("Becky thatcher"));

                assertThat(writer.write(List.of(becky), tx -> { }).rows()).as("a replay").isZero();
                // Becky renames herself before accountsync captured her account: a create planned meanwhile (its
                // echo not linked yet) writes over the name neither when it expects the value written before nor
                // when it is a new account's (expecting nothing there).
                setRealName(c, d, id, "Becky T.");
                Patch fresh = new Patch(w.env(), 1, null, "becky_thatcher", Patch.Kind.CREATE,
                        Map.of(Fields.DISPLAY_NAME, "Rebecca"), java.util.Collections.singletonMap(Fields.DISPLAY_NAME, null),
                        "missing");
                Patch late = new Patch(w.env(), 1, null, "becky_thatcher", Patch.Kind.CREATE,
                        Map.of(Fields.DISPLAY_NAME, "Rebecca"), Map.of(Fields.DISPLAY_NAME, "Becky Thätcher 🌸"), "missing");
                assertThat(writer.write(List.of(fresh, late), tx -> { }).rows()).isZero();
                assertThat(MediaWikiFixture.text(MediaWikiFixture.row(c, d, "", id).get("user_real_name"))).isEqualTo("Becky T.");
                setRealName(c, d, id, "Becky Thätcher 🌸");
                // Tom already exists under the canonical form of this name: no second user, no second actor.
                Patch tomAgain = new Patch(w.env(), 2, null, "tom_sawyer", Patch.Kind.CREATE, Map.of(
                        Fields.DISPLAY_NAME, "Tom Sawyer", Fields.EMAIL, "tom@example.org", Fields.EMAIL_VERIFIED, "false"),
                        null, "missing");
                assertThat(writer.write(List.of(tomAgain), tx -> { }).rows()).isZero();
                assertThat(MediaWikiFixture.actors(c, d, "", id)).hasSize(1);
                assertThat(MediaWikiFixture.actors(c, d, "", tom)).hasSize(1);
                assertThat(MediaWikiFixture.idOf(c, d, "", "Tom sawyer")).isEqualTo(tom);
            }
        }
        Map<String, AccountChange> read = new LinkedHashMap<>();
        readAll(w, read, new ArrayList<>());
        assertThat(read).hasSize(2);
        assertThat(read.values()).filteredOn(c -> c.username().equals("Becky thatcher")).singleElement()
                .satisfies(c -> assertThat(c.after()).containsEntry(Fields.DISPLAY_NAME, "Becky Thätcher 🌸")
                        .containsEntry(Fields.EMAIL, "becky@example.org").containsEntry(Fields.EMAIL_VERIFIED, "true")
                        .containsEntry(Fields.PASSWORD, HASH));
    }

    @ParameterizedTest
    @EnumSource(value = Dialect.class, names = {"POSTGRESQL", "MARIADB"})
    void shouldUpdateWhatDiffersBumpUserTouchedAndChangeNothingOnReplay(Dialect d) throws Exception {
        Wiki w = wiki(d);
        long tom;
        try (Connection c = w.connect()) {
            tom = MediaWikiFixture.addUser(c, d, "", "tom_sawyer", "Tom Sawyer", "tom@example.org", true);
            // A confirmation mail is pending as well (getConfirmationToken + saveSettings).
            MediaWikiFixture.saveSettings(c, d, "", tom, s -> s.withConfirmationToken("0123456789abcdef0123456789abcdef",
                    Instant.now().plus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS)));
        }
        String name = "Tomás Sawyer-Ørsted 🎣";
        Patch patch = update(tom, Map.of(Fields.DISPLAY_NAME, name, Fields.EMAIL, "tom.sawyer@example.net"),
                Map.of(Fields.DISPLAY_NAME, "Tom Sawyer", Fields.EMAIL, "tom@example.org"));
        try (PatchWriter writer = writer(w); Connection c = w.connect()) {
            Instant touched0 = touched(c, d, tom);
            assertThat(writer.write(List.of(patch), tx -> { }).rows()).isEqualTo(1);

            Map<String, Object> row = MediaWikiFixture.row(c, d, "", tom);
            Instant touched1 = MediaWikiFixture.instant(row.get("user_touched"));
            assertThat(touched1).isAfter(touched0);
            assertThat(MediaWikiFixture.text(row.get("user_real_name"))).isEqualTo(name);
            assertThat(MediaWikiFixture.text(row.get("user_email"))).isEqualTo("tom.sawyer@example.net");
            // setEmail(): a new address is no longer authenticated, the pending confirmation is gone.
            assertThat(row.get("user_email_authenticated")).isNull();
            assertThat(row.get("user_email_token")).isNull();
            assertThat(row.get("user_email_token_expires")).isNull();

            assertThat(writer.write(List.of(patch), tx -> { }).rows()).as("a replay").isZero();
            assertThat(touched(c, d, tom)).isEqualTo(touched1);

            // Verification travels with the email: authenticated now, and user_touched moves again.
            Patch verify = update(tom, Map.of(Fields.EMAIL_VERIFIED, "true"), Map.of(Fields.EMAIL_VERIFIED, "false"));
            assertThat(writer.write(List.of(verify), tx -> { }).rows()).isEqualTo(1);
            Instant touched2 = touched(c, d, tom);
            assertThat(touched2).isAfter(touched1);
            assertThat(MediaWikiFixture.settings(c, d, "", tom).emailAuthenticated()).isNotNull();
            assertThat(writer.write(List.of(verify), tx -> { }).rows()).isZero();

            // An edit accountsync has not seen is never overwritten.
            Patch stale = update(tom, Map.of(Fields.DISPLAY_NAME, "Someone"), Map.of(Fields.DISPLAY_NAME, "Tom Sawyer"));
            assertThat(writer.write(List.of(stale), tx -> { }).rows()).isZero();
            assertThat(touched(c, d, tom)).isEqualTo(touched2);

            // VARBINARY(255) counts bytes: 127 × "Ω" (254 bytes) fits, 128 (256 bytes) is refused.
            String fits = "Ω".repeat(127);
            assertThat(w.profile().rejects(Fields.DISPLAY_NAME, fits, writer.limits())).isEmpty();
            assertThat(w.profile().rejects(Fields.DISPLAY_NAME, fits + "Ω", writer.limits()).isPresent())
                    .isEqualTo(d == Dialect.MARIADB);
            assertThat(writer.write(List.of(update(tom, Map.of(Fields.DISPLAY_NAME, fits), Map.of())), tx -> { }).rows())
                    .isEqualTo(1);
        }
        Map<String, AccountChange> read = new LinkedHashMap<>();
        readAll(w, read, new ArrayList<>());
        assertThat(read.get(Long.toString(tom)).after()).containsEntry(Fields.DISPLAY_NAME, "Ω".repeat(127))
                .containsEntry(Fields.EMAIL, "tom.sawyer@example.net").containsEntry(Fields.EMAIL_VERIFIED, "true");
    }

    @ParameterizedTest
    @EnumSource(value = Dialect.class, names = {"POSTGRESQL", "MARIADB"})
    void shouldNeverCommitAWriteWhoseTransactionIdCouldNotBeRecordedBeforeCommit(Dialect d) throws Exception {
        Wiki w = wiki(d);
        long tom;
        try (Connection c = w.connect()) {
            tom = MediaWikiFixture.addUser(c, d, "", "Tom sawyer", "Tom Sawyer", "tom@example.org", false);
        }
        Patch rename = update(tom, Map.of(Fields.DISPLAY_NAME, "Thomas Sawyer"), Map.of(Fields.DISPLAY_NAME, "Tom Sawyer"));
        try (PatchWriter writer = writer(w)) {
            IllegalStateException storeDown = new IllegalStateException("state store unavailable");
            assertThatThrownBy(() -> writer.write(List.of(rename), tx -> {
                throw storeDown;
            })).isSameAs(storeDown);
            try (Connection c = w.connect()) {
                String name = MediaWikiFixture.text(MediaWikiFixture.row(c, d, "", tom).get("user_real_name"));
                // PostgreSQL learns the id before COMMIT: nothing is committed unrecorded. MariaDB learns it only after
                // COMMIT: the write stands, and its statements' tag marks its echo as accountsync's own instead.
                assertThat(name).isEqualTo(d == Dialect.POSTGRESQL ? "Tom Sawyer" : "Thomas Sawyer");
            }
            // The writer is usable again right away.
            List<String> recorded = new java.util.ArrayList<>();
            Patch again = update(tom, Map.of(Fields.DISPLAY_NAME, "Tom S."),
                    Map.of(Fields.DISPLAY_NAME, d == Dialect.POSTGRESQL ? "Tom Sawyer" : "Thomas Sawyer"));
            assertThat(writer.write(List.of(again), recorded::add).rows()).isEqualTo(1);
            assertThat(recorded).singleElement().isNotNull();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The user edits their real name in MediaWiki. */
    private static void setRealName(Connection c, Dialect d, long id, String name) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("update " + MediaWikiFixture.table(d, "", "user")
                + " set user_real_name = ? where user_id = ?")) {
            ps.setString(1, name);
            ps.setLong(2, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static Patch update(long userId, Map<String, String> values, Map<String, String> expected) {
        return new Patch("w", 1, Long.toString(userId), "Tom sawyer", Patch.Kind.UPDATE, values, expected, "test");
    }

    private static JdbcPatchWriter writer(Wiki w) throws Exception {
        JdbcPatchWriter writer = new JdbcPatchWriter(w.env(), w.connection(), w.profile());
        writer.open();
        return writer;
    }

    private static void readAll(Wiki w, Map<String, AccountChange> read, List<String> bad) throws Exception {
        FullReader.read(w.env(), w.connection(), w.profile(), new Profile.ReadSink() {
            @Override
            public void account(AccountChange change) {
                read.put(change.localKey(), change);
            }

            @Override
            public void bad(String reason) {
                bad.add(reason);
            }
        });
    }

    private static Instant touched(Connection c, Dialect d, long id) throws SQLException {
        return MediaWikiFixture.instant(MediaWikiFixture.row(c, d, "", id).get("user_touched"));
    }

    /** The fields a change edits. */
    private static List<String> edited(Profile profile, AccountChange change) {
        return profile.fields().stream().filter(change::edits).toList();
    }

    /**
     * Touches the user until a change of it arrives. RUNNING says the
     * connector polls, not that its start position is fixed: on MariaDB with snapshot mode
     * {@code no_data} the binlog position is read a moment later, and a change committed in between
     * is not streamed. (The binlog reader also parses every DDL statement of the shared server, so
     * under parallel test runs the first events can take a while.)
     */
    private static void awaitStreaming(Wiki w, List<RowChange> rows, long userId) throws SQLException {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (changesOf(w, rows, userId).isEmpty()) {
            assertThat(Instant.now()).as("a change streamed before the deadline").isBefore(deadline);
            try (Connection c = w.connect()) {
                MediaWikiFixture.touch(c, w.dialect(), "", userId);
            }
            try {
                await().atMost(Duration.ofSeconds(3)).until(() -> !changesOf(w, rows, userId).isEmpty());
            } catch (org.awaitility.core.ConditionTimeoutException notYet) {
                // touch again
            }
        }
    }

    /** Waits for the {@code n}th captured change of a user and returns it, normalized. */
    private static AccountChange awaitChange(Wiki w, List<RowChange> rows, long userId, int n) {
        await().atMost(TIMEOUT).until(() -> changesOf(w, rows, userId).size() >= n);
        List<AccountChange> changes = changesOf(w, rows, userId);
        assertThat(changes).as("changes of user %d", userId).hasSize(n);
        return changes.get(n - 1);
    }

    private static List<AccountChange> changesOf(Wiki w, List<RowChange> rows, long userId) {
        Profile.Normalized normalized = w.profile().normalizeBatch(List.copyOf(rows));
        assertThat(normalized.bad()).isEmpty();
        return normalized.changes().stream().filter(c -> c.localKey().equals(Long.toString(userId))).toList();
    }

    private static void execute(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }
}
