package io.accountsync.profile.trac;

import static io.accountsync.testsupport.apps.TracFixture.attrs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.accountsync.apply.JdbcPatchWriter;
import io.accountsync.apply.PatchWriter;
import io.accountsync.capture.CaptureEngine;
import io.accountsync.capture.CaptureListener;
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
import io.accountsync.testsupport.apps.Person;
import io.accountsync.testsupport.apps.TracFixture;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trac profile against real Trac schemas on PostgreSQL and MariaDB, each test in a fresh
 * database: the full read, what capture delivers for Trac's own account operations (folded per
 * transaction), and the rows Trac holds after accountsync's writes.
 */
class TracProfileIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long LAST_VISIT = 1_735_689_600L; // 2025-01-01T00:00:00Z
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path workDir;

    private DbInstance db;
    private String database;
    private Dialect dialect;
    private final String env = "trac" + Long.toString(RANDOM.nextLong() & 0xffffff, 36);
    private final List<CaptureEngine> engines = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        engines.forEach(CaptureEngine::close);
        if (database != null) {
            db.dropDatabase(database);
        }
    }

    /** A fresh database holding Trac's schema, and the profile bound to it. */
    private TracProfile trac(String instance) throws Exception {
        db = instance.equals("pg1") ? TestDatabases.pg1() : TestDatabases.mariadb();
        dialect = db.dialect();
        database = db.createDatabase("trac");
        try (Connection c = connect()) {
            TracFixture.create(c, dialect, "");
        }
        return new TracProfile(AppSettings.DEFAULTS, dialect, database, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private Connection connect() {
        return db.connect(database);
    }

    private ConnectionSettings connection() {
        return new ConnectionSettings(dialect, db.host(), db.port(), database, db.user(), Secret.of(db.password()));
    }

    // ------------------------------------------------------------------ full read

    @ParameterizedTest
    @ValueSource(strings = {"pg1", "mariadb"})
    void shouldReadEveryAccountWithItsFieldsVerificationAndLastActivity(String instance) throws Exception {
        TracProfile profile = trac(instance);
        List<Person> people;
        try (Connection c = connect()) {
            people = TracFixture.populate(c, dialect, "", 42, 12, LAST_VISIT);
            // Usernames are case-sensitive in Trac: two accounts (a conflict for an operator, not for the read).
            TracFixture.addUser(c, dialect, "", "Tom", "Tom Sawyer", "tom@example.org", LAST_VISIT + 100);
            TracFixture.addUser(c, dialect, "", "tom", "tom lowercase", "tom2@example.org", LAST_VISIT + 101);
            TracFixture.addUser(c, dialect, "", "pending", "Pending Person", "pending@example.org", LAST_VISIT);
            TracFixture.save(c, dialect, "", "pending", attrs("name", "Pending Person", "email", "pending@example.org",
                    "email_verification_token", "Zm9vYmFy", "email_verification_sent_to", "pending@example.org"));
            TracFixture.addUser(c, dialect, "", "verified", "Verified Person", "verified@example.org", LAST_VISIT);
            TracFixture.save(c, dialect, "", "verified", attrs("name", "Verified Person", "email", "verified@example.org",
                    "email_verification_sent_to", "verified@example.org", "tz", "Europe/Paris"));
            TracFixture.addUser(c, dialect, "", "moved", "Moved Person", "new@example.org", LAST_VISIT);
            TracFixture.save(c, dialect, "", "moved", attrs("name", "Moved Person", "email", "new@example.org",
                    "email_verification_sent_to", "old@example.org"));
            TracFixture.addUser(c, dialect, "", "noemail", "No Email", null, LAST_VISIT);
            TracFixture.addUser(c, dialect, "", "hashed", null, "hashed@example.org", LAST_VISIT);
            TracFixture.save(c, dialect, "", "hashed", attrs("email", "hashed@example.org",
                    "password", "Trac:5f4dcc3b5aa765d61d8327deb882cf99"));
            // An anonymous session whose sid happens to be a username is still not an account.
            TracFixture.anonymous(c, dialect, "", "ghost", Map.of("name", "Ghost", "email", "g@example.org"), LAST_VISIT);
        }

        List<AccountChange> read = new CopyOnWriteArrayList<>();
        List<String> bad = new CopyOnWriteArrayList<>();
        FullReader.read(env, connection(), profile, new Profile.ReadSink() {
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
        Map<String, AccountChange> byKey = read.stream()
                .collect(Collectors.toMap(AccountChange::localKey, Function.identity()));
        assertThat(byKey).hasSize(people.size() + 7).doesNotContainKey("ghost");
        assertThat(byKey.keySet()).noneMatch(k -> k.matches("[0-9a-f]{24}"));
        assertThat(read).allMatch(AccountChange::snapshot).allMatch(c -> c.before().isEmpty())
                .allMatch(c -> c.kind() == AccountChange.Kind.UPSERT).allMatch(c -> c.env().equals(env));
        for (int i = 0; i < people.size(); i++) {
            Person p = people.get(i);
            AccountChange c = byKey.get(p.username());
            assertThat(c.username()).isEqualTo(p.username());
            assertThat(c.after()).containsEntry(Fields.DISPLAY_NAME, p.displayName())
                    .containsEntry(Fields.EMAIL, p.email())
                    .containsEntry(Fields.EMAIL_VERIFIED, "true") // no verification rows: AccountManager says verified
                    .containsEntry(Fields.PASSWORD, null);
            assertThat(c.commitTime()).isEqualTo(Instant.ofEpochSecond(LAST_VISIT + i));
        }
        assertThat(byKey.get("Tom").after()).containsEntry(Fields.DISPLAY_NAME, "Tom Sawyer");
        assertThat(byKey.get("tom").after()).containsEntry(Fields.DISPLAY_NAME, "tom lowercase");
        assertThat(byKey.get("Tom").commitTime()).isEqualTo(Instant.ofEpochSecond(LAST_VISIT + 100));
        assertThat(byKey.get("pending").after()).containsEntry(Fields.EMAIL_VERIFIED, "false");
        assertThat(byKey.get("verified").after()).containsEntry(Fields.EMAIL_VERIFIED, "true");
        assertThat(byKey.get("moved").after()).containsEntry(Fields.EMAIL_VERIFIED, "false");
        assertThat(byKey.get("noemail").after()).containsEntry(Fields.EMAIL, null)
                .containsEntry(Fields.EMAIL_VERIFIED, "false");
        assertThat(byKey.get("hashed").after()).containsEntry(Fields.DISPLAY_NAME, null)
                .containsEntry(Fields.PASSWORD, "Trac:5f4dcc3b5aa765d61d8327deb882cf99");
    }

    // ------------------------------------------------------------------ capture

    @ParameterizedTest
    @ValueSource(strings = {"pg1", "mariadb"})
    void shouldFoldWhatTracWritesIntoOneChangePerTransaction(String instance) throws Exception {
        TracProfile profile = trac(instance);
        List<RowChange> rows = new CopyOnWriteArrayList<>();
        startCapture(profile, rows);

        Map<String, String> plain = attrs("name", "Tom Sawyer", "email", "tom@example.org");
        try (Connection c = connect()) {
            TracFixture.addUser(c, dialect, "", "tom", "Tom Sawyer", "tom@example.org", LAST_VISIT);     // 1 create
            TracFixture.save(c, dialect, "", "tom", plain);                                             // 2 same values
            TracFixture.anonymous(c, dialect, "", "00112233445566778899aabb", Map.of("name", "Tom"), LAST_VISIT);
            TracFixture.save(c, dialect, "", "tom", attrs("name", "Thomas Sawyer", "email", "tom@example.org")); // 3
            TracFixture.save(c, dialect, "", "tom", attrs("name", "Thomas Sawyer", "email", "tom@example.org",    // 4
                    "email_verification_token", "Zm9vYmFy", "email_verification_sent_to", "tom@example.org"));
            TracFixture.loginAndGrant(c, dialect, "", "tom", "TICKET_ADMIN", LAST_VISIT);
            TracFixture.deleteUser(c, dialect, "", "tom");                                              // 5 delete
        }
        String sessionTable = profile.capturedTables().get(0);
        await().atMost(TIMEOUT).until(() -> rows.stream().anyMatch(r -> r.table().equals(sessionTable)
                && r.op() == RowChange.Op.DELETE && "tom".equals(r.before().get("sid"))));

        Profile.Normalized n = profile.normalizeBatch(List.copyOf(rows));
        assertThat(n.bad()).isEmpty();
        List<AccountChange> out = n.changes();
        assertThat(out).hasSize(5).allMatch(c -> c.localKey().equals("tom") && c.env().equals(env) && !c.snapshot());
        assertThat(out).extracting(AccountChange::txId).doesNotContainNull().doesNotHaveDuplicates();
        for (AccountChange c : out) {
            // each change is one transaction: every captured row of it carries its txId
            assertThat(rows.stream().filter(r -> Objects.equals(r.txId(), c.txId()))).isNotEmpty();
        }

        AccountChange created = out.get(0);
        assertThat(created.kind()).isEqualTo(AccountChange.Kind.UPSERT);
        assertThat(created.before()).isEmpty();
        assertThat(created.after()).isEqualTo(Map.of(Fields.DISPLAY_NAME, "Tom Sawyer", Fields.EMAIL, "tom@example.org",
                Fields.EMAIL_VERIFIED, "true"));

        AccountChange same = out.get(1);
        assertThat(same.before()).isEqualTo(same.after())
                .isEqualTo(Map.of(Fields.DISPLAY_NAME, "Tom Sawyer", Fields.EMAIL, "tom@example.org"));
        assertThat(profile.fields()).noneMatch(same::edits);

        AccountChange renamed = out.get(2);
        assertThat(profile.fields().stream().filter(renamed::edits)).containsExactly(Fields.DISPLAY_NAME);
        assertThat(renamed.before()).containsEntry(Fields.DISPLAY_NAME, "Tom Sawyer");
        assertThat(renamed.after()).containsEntry(Fields.DISPLAY_NAME, "Thomas Sawyer");

        AccountChange pending = out.get(3);
        assertThat(profile.fields().stream().filter(pending::edits)).containsExactly(Fields.EMAIL_VERIFIED);
        assertThat(pending.before()).containsEntry(Fields.EMAIL_VERIFIED, "true");
        assertThat(pending.after()).containsEntry(Fields.EMAIL_VERIFIED, "false");

        AccountChange deleted = out.get(4);
        assertThat(deleted.kind()).isEqualTo(AccountChange.Kind.DELETE);
        assertThat(deleted.before()).containsEntry(Fields.DISPLAY_NAME, "Thomas Sawyer")
                .containsEntry(Fields.EMAIL_VERIFIED, "false");
        assertThat(deleted.after()).isEmpty();
    }

    /** Starts streaming (no snapshot) and returns once a probe change has come through. */
    private void startCapture(TracProfile profile, List<RowChange> rows) throws Exception {
        ConnectionSettings cs = connection();
        CaptureSettings settings = (dialect == Dialect.POSTGRESQL
                ? CaptureSettings.postgres(env, cs, profile.capturedTables(), workDir)
                : CaptureSettings.binlog(env, cs, profile.capturedTables(), workDir, 100_000 + RANDOM.nextInt(1_000_000_000)))
                .withSnapshotMode("no_data");
        CaptureEngine engine = new CaptureEngine(settings, rows::addAll, CaptureListener.NONE);
        engines.add(engine);
        engine.start();
        await().atMost(TIMEOUT).until(() -> engine.state() == EngineState.RUNNING || engine.state() == EngineState.FAILED);
        assertThat(engine.lastError()).isEmpty();
        // RUNNING says the task polls, not that the log reader is positioned: probe with anonymous
        // sessions (which the profile ignores) until one arrives.
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (int i = 0; ; i++) {
            String probe = String.format("%024x", i);
            try (Connection c = connect()) {
                TracFixture.anonymous(c, dialect, "", probe, Map.of(), LAST_VISIT);
            }
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < until) {
                if (rows.stream().anyMatch(r -> r.after() != null && probe.equals(r.after().get("sid")))) {
                    return;
                }
                Thread.sleep(50);
            }
            assertThat(System.nanoTime()).as("capture delivered no probe").isLessThan(deadline);
        }
    }

    // ------------------------------------------------------------------ writes

    @ParameterizedTest
    @ValueSource(strings = {"pg1", "mariadb"})
    void shouldWritePatchesAsTracHoldsAccountsAndChangeNothingTheSecondTime(String instance) throws Exception {
        TracProfile profile = trac(instance);
        try (Connection c = connect()) {
            TracFixture.addUser(c, dialect, "", "tom", "Tom", "tom@example.org", LAST_VISIT);
            TracFixture.save(c, dialect, "", "tom", attrs("name", "Tom", "email", "tom@example.org", "tz", "UTC"));
            TracFixture.loginAndGrant(c, dialect, "", "tom", "TICKET_ADMIN", LAST_VISIT);
            TracFixture.ticket(c, dialect, "", "tom", "tom", "Broken fence", LAST_VISIT * 1_000_000L);
        }
        String hash = "Trac:5f4dcc3b5aa765d61d8327deb882cf99";
        try (JdbcPatchWriter writer = new JdbcPatchWriter(env, connection(), profile)) {
            // CREATE: a session row (authenticated, dated now) and its attributes, verification pending.
            Patch create = new Patch(env, 1, null, "Becky", Patch.Kind.CREATE, Map.of(Fields.DISPLAY_NAME, "Becky Thatcher",
                    Fields.EMAIL, "becky@example.org", Fields.EMAIL_VERIFIED, "false", Fields.PASSWORD, hash), null, "it");
            assertThat(rows(writer, create)).isEqualTo(6);
            Map<String, String> becky;
            try (Connection c = connect()) {
                assertThat(TracFixture.sessions(c, dialect, "", "Becky")).isEqualTo(Map.of(1, NOW.getEpochSecond()));
                becky = TracFixture.attributes(c, dialect, "", "Becky", 1);
            }
            assertThat(becky).containsOnlyKeys("name", "email", "password", "email_verification_token",
                    "email_verification_sent_to");
            assertThat(becky).containsEntry("name", "Becky Thatcher").containsEntry("email", "becky@example.org")
                    .containsEntry("password", hash).containsEntry("email_verification_sent_to", "becky@example.org");
            assertThat(becky.get("email_verification_token")).matches("[A-Za-z0-9_-]{8}");
            assertThat(rows(writer, create)).isZero();
            try (Connection c = connect()) {
                assertThat(TracFixture.attributes(c, dialect, "", "Becky", 1)).isEqualTo(becky); // the token stays
            }

            // Becky renames herself before accountsync captured her account: a create planned meanwhile (its
            // echo not linked yet) writes over the name neither when it expects the value written before nor
            // when it is a new account's (expecting nothing there); the email it expects still holds, so the
            // new one is written.
            Map<String, String> renamed = new java.util.LinkedHashMap<>(becky);
            renamed.put("name", "Becky T.");
            try (Connection c = connect()) {
                TracFixture.save(c, dialect, "", "Becky", renamed);
            }
            Patch late = new Patch(env, 1, null, "Becky", Patch.Kind.CREATE, Map.of(Fields.DISPLAY_NAME, "Rebecca Thatcher",
                    Fields.EMAIL, "rebecca@example.org"), Map.of(Fields.DISPLAY_NAME, "Becky Thatcher",
                    Fields.EMAIL, "becky@example.org"), "it");
            Patch fresh = new Patch(env, 1, null, "Becky", Patch.Kind.CREATE, Map.of(Fields.DISPLAY_NAME, "Rebecca"),
                    java.util.Collections.singletonMap(Fields.DISPLAY_NAME, null), "it");
            assertThat(rows(writer, fresh)).isZero();
            assertThat(rows(writer, late)).isEqualTo(1);
            try (Connection c = connect()) {
                assertThat(TracFixture.attributes(c, dialect, "", "Becky", 1)).containsEntry("name", "Becky T.")
                        .containsEntry("email", "rebecca@example.org");
                TracFixture.save(c, dialect, "", "Becky", becky);
            }

            // UPDATE: changed values where the expected ones are still in place; the email is verified.
            Patch update = new Patch(env, 2, "tom", "tom", Patch.Kind.UPDATE, Map.of(Fields.DISPLAY_NAME, "Tom Sawyer",
                    Fields.EMAIL, "tom.sawyer@example.org", Fields.EMAIL_VERIFIED, "true"),
                    Map.of(Fields.DISPLAY_NAME, "Tom", Fields.EMAIL, "tom@example.org"), "it");
            assertThat(rows(writer, update)).isEqualTo(3);
            try (Connection c = connect()) {
                assertThat(TracFixture.attributes(c, dialect, "", "tom", 1)).isEqualTo(Map.of("name", "Tom Sawyer",
                        "email", "tom.sawyer@example.org", "email_verification_sent_to", "tom.sawyer@example.org",
                        "tz", "UTC"));
                assertThat(TracFixture.sessions(c, dialect, "", "tom")).isEqualTo(Map.of(1, LAST_VISIT));
            }
            assertThat(rows(writer, update)).isZero();

            // An edit accountsync has not seen yet is never overwritten.
            Patch stale = new Patch(env, 2, "tom", "tom", Patch.Kind.UPDATE, Map.of(Fields.DISPLAY_NAME, "T."),
                    Map.of(Fields.DISPLAY_NAME, "Tom"), "it");
            assertThat(rows(writer, stale)).isZero();

            // Verification alone, against the email the account holds.
            Patch verify = new Patch(env, 1, "Becky", "Becky", Patch.Kind.UPDATE, Map.of(Fields.EMAIL_VERIFIED, "true"),
                    null, "it");
            assertThat(rows(writer, verify)).isEqualTo(1);
            try (Connection c = connect()) {
                assertThat(TracFixture.attributes(c, dialect, "", "Becky", 1)).isEqualTo(Map.of("name", "Becky Thatcher",
                        "email", "becky@example.org", "password", hash,
                        "email_verification_sent_to", "becky@example.org"));
            }
            assertThat(rows(writer, verify)).isZero();

            // DELETE: AccountManager's delete_user; Trac keeps the tickets.
            Patch delete = new Patch(env, 2, "tom", "tom", Patch.Kind.DELETE, Map.of(), Map.of(), "it");
            assertThat(rows(writer, delete)).isEqualTo(1 + 4 + 1 + 1);
            try (Connection c = connect()) {
                assertThat(TracFixture.sessions(c, dialect, "", "tom")).isEmpty();
                assertThat(TracFixture.attributes(c, dialect, "", "tom", 1)).isEmpty();
                assertThat(TracFixture.count(c, dialect, "", "permission", "username", "tom")).isZero();
                assertThat(TracFixture.count(c, dialect, "", "auth_cookie", "name", "tom")).isZero();
                assertThat(TracFixture.count(c, dialect, "", "ticket", "reporter", "tom")).isEqualTo(1);
                assertThat(TracFixture.count(c, dialect, "", "permission", "username", "anonymous")).isPositive();
                assertThat(TracFixture.sessions(c, dialect, "", "Becky")).hasSize(1);
            }
            assertThat(rows(writer, delete)).isZero();
        }
    }

    private static int rows(PatchWriter writer, Patch patch) throws Exception {
        return writer.write(List.of(patch), tx -> { }).rows();
    }
}
