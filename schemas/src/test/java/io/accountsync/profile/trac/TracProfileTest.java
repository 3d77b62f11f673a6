package io.accountsync.profile.trac;

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
import io.accountsync.profile.Profile;
import io.accountsync.profile.trac.EmailVerification.Attribute;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TracProfileTest {
    private static final Instant COMMIT = Instant.parse("2026-03-01T12:00:00Z");
    private static final String S = "public.session";
    private static final String A = "public.session_attribute";

    private final TracProfile pg = new TracProfile(AppSettings.DEFAULTS, Dialect.POSTGRESQL, "trac",
            Clock.fixed(Instant.ofEpochSecond(1_760_000_000L), ZoneOffset.UTC));
    private final TracProfile maria = new TracProfile(AppSettings.DEFAULTS, Dialect.MARIADB, "trac",
            Clock.fixed(Instant.ofEpochSecond(1_760_000_000L), ZoneOffset.UTC));

    // ------------------------------------------------------------------ row builders

    private static Map<String, Object> attr(String sid, int auth, String name, String value) {
        Map<String, Object> r = new HashMap<>();
        r.put("sid", sid);
        r.put("authenticated", auth);
        r.put("name", name);
        r.put("value", value);
        return r;
    }

    private static Map<String, Object> sess(String sid, int auth, long lastVisit) {
        Map<String, Object> r = new HashMap<>();
        r.put("sid", sid);
        r.put("authenticated", auth);
        r.put("last_visit", (int) lastVisit);
        return r;
    }

    private static RowChange row(String table, RowChange.Op op, Map<String, Object> before, Map<String, Object> after,
                                 String tx) {
        return new RowChange("t", table, op, before, after, COMMIT, "lsn=" + tx, tx);
    }

    private static RowChange insA(String tx, String sid, String name, String value) {
        return row(A, RowChange.Op.CREATE, null, attr(sid, 1, name, value), tx);
    }

    private static RowChange delA(String tx, String sid, String name, String value) {
        return row(A, RowChange.Op.DELETE, attr(sid, 1, name, value), null, tx);
    }

    /** Trac's session.save(): every existing attribute deleted, then the new set inserted. */
    private static List<RowChange> save(String tx, String sid, Map<String, String> old, Map<String, String> now) {
        List<RowChange> rows = new ArrayList<>();
        old.forEach((k, v) -> rows.add(delA(tx, sid, k, v)));
        now.forEach((k, v) -> rows.add(insA(tx, sid, k, v)));
        return rows;
    }

    private static Map<String, String> m(String... kv) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put(kv[i], kv[i + 1]);
        }
        return out;
    }

    // ------------------------------------------------------------------ naming

    @Test
    void shouldCaptureSessionAndAttributesQualifiedAsTheSourceNamesThem() {
        assertThat(pg.name()).isEqualTo("trac");
        assertThat(pg.capturedTables()).containsExactly("public.session", "public.session_attribute");
        assertThat(maria.capturedTables()).containsExactly("trac.session", "trac.session_attribute");
        TracProfile prefixed = new TracProfile(new AppSettings("tracs", "p1_", 1, null), Dialect.POSTGRESQL, "db");
        assertThat(prefixed.capturedTables()).containsExactly("tracs.p1_session", "tracs.p1_session_attribute");
        assertThat(prefixed.writtenTables()).containsExactly("p1_session", "p1_session_attribute");
        assertThat(pg.fields()).containsExactly(Fields.DISPLAY_NAME, Fields.EMAIL, Fields.EMAIL_VERIFIED, Fields.PASSWORD);
        assertThat(pg.passwordScheme()).isEqualTo("htdigest");
        assertThat(new TracProfile(new AppSettings(null, null, 1, "htpasswd"), Dialect.MARIADB, "x").passwordScheme())
                .isEqualTo("htpasswd");
    }

    @Test
    void shouldKeepTheCaseOfUsernamesAndCorrelateByLowerCase() {
        assertThat(pg.normalizeUsername("  Tom ")).isEqualTo("Tom");
        assertThat(pg.correlationKey("Tom")).isEqualTo("tom");
    }

    // ------------------------------------------------------------------ folding

    @Test
    void shouldFoldAnIdenticalRewriteIntoOneChangeThatEditsNothing() {
        Map<String, String> attrs = m("name", "Tom Sawyer", "email", "tom@example.org", "tz", "Europe/Berlin");
        Profile.Normalized n = pg.normalizeBatch(save("700", "tom", attrs, attrs));

        assertThat(n.bad()).isEmpty();
        assertThat(n.changes()).hasSize(1);
        AccountChange c = n.changes().get(0);
        assertThat(c.kind()).isEqualTo(AccountChange.Kind.UPSERT);
        assertThat(c.localKey()).isEqualTo("tom");
        assertThat(c.username()).isEqualTo("tom");
        assertThat(c.txId()).isEqualTo("700");
        assertThat(c.snapshot()).isFalse();
        assertThat(c.before()).isEqualTo(c.after())
                .isEqualTo(Map.of(Fields.DISPLAY_NAME, "Tom Sawyer", Fields.EMAIL, "tom@example.org"));
        for (String f : pg.fields()) {
            assertThat(c.edits(f)).as(f).isFalse();
        }
    }

    @Test
    void shouldFoldANameChangeIntoOneEdit() {
        Profile.Normalized n = pg.normalizeBatch(save("701", "tom",
                m("name", "Tom", "email", "tom@example.org"), m("name", "Tom Sawyer", "email", "tom@example.org")));

        AccountChange c = n.changes().get(0);
        assertThat(n.changes()).hasSize(1);
        assertThat(c.before()).containsEntry(Fields.DISPLAY_NAME, "Tom").containsEntry(Fields.EMAIL, "tom@example.org");
        assertThat(c.after()).containsEntry(Fields.DISPLAY_NAME, "Tom Sawyer").containsEntry(Fields.EMAIL, "tom@example.org");
        assertThat(c.edits(Fields.DISPLAY_NAME)).isTrue();
        assertThat(c.edits(Fields.EMAIL)).isFalse();
        assertThat(c.fields()).doesNotContain(Fields.EMAIL_VERIFIED, Fields.PASSWORD); // rows not in the transaction
        assertThat(c.commitTime()).isEqualTo(COMMIT);
    }

    @Test
    void shouldTreatAnInPlaceUpdateLikeARewrite() {
        RowChange u = row(A, RowChange.Op.UPDATE, attr("tom", 1, "email", "a@x"), attr("tom", 1, "email", "b@x"), "9");
        AccountChange c = pg.normalizeBatch(List.of(u)).changes().get(0);
        assertThat(c.before()).isEqualTo(Map.of(Fields.EMAIL, "a@x"));
        assertThat(c.after()).isEqualTo(Map.of(Fields.EMAIL, "b@x"));
        assertThat(c.edits(Fields.EMAIL)).isTrue();
    }

    @Test
    void shouldLeaveARemovedAttributeOutOfTheAfterImage() {
        Profile.Normalized n = pg.normalizeBatch(save("702", "tom",
                m("name", "Tom", "email", "tom@example.org"), m("email", "tom@example.org")));
        AccountChange c = n.changes().get(0);
        assertThat(c.before()).containsEntry(Fields.DISPLAY_NAME, "Tom");
        assertThat(c.after()).doesNotContainKey(Fields.DISPLAY_NAME).containsEntry(Fields.EMAIL, "tom@example.org");
        assertThat(c.edits(Fields.DISPLAY_NAME)).isFalse();

        // A transaction that only removes propagates nothing at all.
        assertThat(pg.normalizeBatch(List.of(delA("703", "tom", "name", "Tom"))).changes()).isEmpty();
    }

    @Test
    void shouldGiveAnAddedAttributeNoValueBefore() {
        AccountChange c = pg.normalizeBatch(List.of(insA("704", "tom", "name", "Tom"))).changes().get(0);
        assertThat(c.before()).containsEntry(Fields.DISPLAY_NAME, null);
        assertThat(c.after()).containsEntry(Fields.DISPLAY_NAME, "Tom");
        assertThat(c.edits(Fields.DISPLAY_NAME)).isTrue();
    }

    @Test
    void shouldTurnASessionInsertWithAttributesIntoOneUpsertWithoutBefore() {
        List<RowChange> rows = List.of(
                row(S, RowChange.Op.CREATE, null, sess("becky", 1, 1_750_000_000L), "705"),
                insA("705", "becky", "name", "Becky Thatcher"),
                insA("705", "becky", "email", "becky@example.org"));
        Profile.Normalized n = pg.normalizeBatch(rows);

        assertThat(n.changes()).hasSize(1);
        AccountChange c = n.changes().get(0);
        assertThat(c.kind()).isEqualTo(AccountChange.Kind.UPSERT);
        assertThat(c.before()).isEmpty();
        // A new session has no verification rows: AccountManager counts its email as verified.
        assertThat(c.after()).isEqualTo(Map.of(Fields.DISPLAY_NAME, "Becky Thatcher", Fields.EMAIL, "becky@example.org",
                Fields.EMAIL_VERIFIED, "true"));
        assertThat(c.edits(Fields.DISPLAY_NAME)).isTrue();
    }

    @Test
    void shouldTurnASessionDeleteIntoADelete() {
        // AccountManager's delete_user: auth_cookie, session_attribute, session, permission.
        List<RowChange> rows = List.of(
                row("public.auth_cookie", RowChange.Op.DELETE, Map.of("name", "tom"), null, "706"),
                delA("706", "tom", "name", "Tom"),
                delA("706", "tom", "email", "tom@example.org"),
                row(S, RowChange.Op.DELETE, sess("tom", 1, 1_750_000_000L), null, "706"));
        Profile.Normalized n = pg.normalizeBatch(rows);

        assertThat(n.changes()).hasSize(1);
        AccountChange c = n.changes().get(0);
        assertThat(c.kind()).isEqualTo(AccountChange.Kind.DELETE);
        assertThat(c.localKey()).isEqualTo("tom");
        assertThat(c.before()).containsEntry(Fields.DISPLAY_NAME, "Tom").containsEntry(Fields.EMAIL, "tom@example.org");
        assertThat(c.after()).isEmpty();
        assertThat(c.txId()).isEqualTo("706");
    }

    @Test
    void shouldIgnoreAnonymousSessionsAndLastVisitRefreshes() {
        List<RowChange> rows = List.of(
                row(S, RowChange.Op.CREATE, null, sess("0123456789abcdef01234567", 0, 1L), "707"),
                row(A, RowChange.Op.CREATE, null, attr("0123456789abcdef01234567", 0, "name", "Visitor"), "707"),
                row(S, RowChange.Op.UPDATE, sess("tom", 1, 1L), sess("tom", 1, 90_000L), "708"));
        assertThat(pg.normalizeBatch(rows).changes()).isEmpty();
    }

    @Test
    void shouldCreateTheAccountWhenTracPromotesAnAnonymousSession() {
        String anon = "0123456789abcdef01234567";
        List<RowChange> rows = List.of(
                row(S, RowChange.Op.UPDATE, sess(anon, 0, 5L), sess("huck", 1, 5L), "709"),
                row(A, RowChange.Op.UPDATE, attr(anon, 0, "name", "Huck"), attr("huck", 1, "name", "Huck"), "709"));
        AccountChange c = pg.normalizeBatch(rows).changes().get(0);
        assertThat(c.localKey()).isEqualTo("huck");
        assertThat(c.before()).isEmpty();
        assertThat(c.after()).containsEntry(Fields.DISPLAY_NAME, "Huck");
    }

    @Test
    void shouldFoldEachTransactionAndEachAccountSeparately() {
        List<RowChange> rows = new ArrayList<>();
        rows.addAll(save("710", "tom", m("name", "Tom"), m("name", "Tommy")));
        rows.addAll(save("710", "becky", m("name", "Becky"), m("name", "Becky")));
        rows.addAll(save("711", "tom", m("name", "Tommy"), m("name", "Thomas")));
        List<AccountChange> out = pg.normalizeBatch(rows).changes();
        assertThat(out).extracting(AccountChange::localKey, AccountChange::txId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("tom", "710"),
                        org.assertj.core.groups.Tuple.tuple("becky", "710"),
                        org.assertj.core.groups.Tuple.tuple("tom", "711"));
        assertThat(out.get(0).after()).containsEntry(Fields.DISPLAY_NAME, "Tommy");
        assertThat(out.get(1).edits(Fields.DISPLAY_NAME)).isFalse();
        assertThat(out.get(2).before()).containsEntry(Fields.DISPLAY_NAME, "Tommy");
    }

    @Test
    void shouldTakeSnapshotRowsOneByOne() {
        RowChange s = new RowChange("t", S, RowChange.Op.READ, null, sess("tom", 1, 1_700_000_000L), COMMIT, "snap", "5");
        RowChange a = new RowChange("t", A, RowChange.Op.READ, null, attr("tom", 1, "name", "Tom"), COMMIT, "snap", "5");
        List<AccountChange> out = pg.normalizeBatch(List.of(s, a)).changes();
        assertThat(out).hasSize(2).allMatch(AccountChange::snapshot).allMatch(c -> c.before().isEmpty());
        assertThat(out.get(0).after()).isEmpty();
        assertThat(out.get(0).commitTime()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(out.get(1).after()).isEqualTo(Map.of(Fields.DISPLAY_NAME, "Tom"));
        assertThat(out.get(1).commitTime()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void shouldReportARowWithoutSidAndFoldTheRest() throws Exception {
        List<RowChange> rows = List.of(insA("712", " ", "name", "Nobody"), insA("712", "tom", "name", "Tom"));
        Profile.Normalized n = pg.normalizeBatch(rows);
        assertThat(n.bad()).hasSize(1);
        assertThat(n.bad().get(0).reason()).contains("empty sid").contains("public.session_attribute");
        assertThat(n.changes()).extracting(AccountChange::localKey).containsExactly("tom");
        assertThatThrownBy(() -> pg.normalize(rows.get(0))).isInstanceOf(BadRowException.class);
        assertThat(pg.normalize(row("public.ticket", RowChange.Op.CREATE, null, Map.of("owner", "tom"), "1"))).isEmpty();
    }

    // ------------------------------------------------------------------ email verification

    @ParameterizedTest(name = "email={0} token={1} sent_to={2} -> {3}")
    @CsvSource(nullValues = "?", value = {
            // AccountManager's rule with everything known
            "a@x,      -,        -,        true",    // no verification rows at all
            "a@x,      -,        a@x,      true",    // verified: token gone, sent_to matches
            "a@x,      tok,      a@x,      false",   // pending
            "a@x,      -,        b@x,      false",   // token went to another address
            "a@x,      tok,      -,        false",
            "-,        -,        -,        false",   // no email
            "'',       -,        -,        false",   // empty email
            "a@x,      '',       a@x,      false",   // a token row, even empty, is pending
            // partly known (a captured transaction)
            "a@x,      ?,        a@x,      ?",
            "a@x,      -,        ?,        ?",
            "?,        tok,      ?,        false",
            "?,        -,        -,        ?",
            "a@x,      ?,        b@x,      false",
            "-,        ?,        ?,        false",
    })
    void shouldApplyAccountManagersVerificationRule(String email, String token, String sentTo, String expected) {
        Optional<Boolean> v = EmailVerification.verified(attribute(email), attribute(token), attribute(sentTo));
        assertThat(v.map(String::valueOf).orElse(null)).isEqualTo(expected);
    }

    /** "?" (null) unknown, "-" absent, anything else a row with that value. */
    private static Attribute attribute(String s) {
        return s == null ? Attribute.UNKNOWN : s.equals("-") ? Attribute.ABSENT : Attribute.present(s);
    }

    @Test
    void shouldSeeAVerificationStartAndFinishInCapturedTransactions() {
        Map<String, String> plain = m("name", "Tom", "email", "tom@example.org");
        Map<String, String> pending = m("name", "Tom", "email", "tom@example.org",
                "email_verification_token", "Zm9vYmFy", "email_verification_sent_to", "tom@example.org");
        Map<String, String> done = m("name", "Tom", "email", "tom@example.org",
                "email_verification_sent_to", "tom@example.org");

        AccountChange started = pg.normalizeBatch(save("720", "tom", plain, pending)).changes().get(0);
        assertThat(started.before()).containsEntry(Fields.EMAIL_VERIFIED, "true");
        assertThat(started.after()).containsEntry(Fields.EMAIL_VERIFIED, "false");
        assertThat(started.edits(Fields.EMAIL_VERIFIED)).isTrue();
        assertThat(started.edits(Fields.EMAIL)).isFalse();

        AccountChange finished = pg.normalizeBatch(save("721", "tom", pending, done)).changes().get(0);
        assertThat(finished.before()).containsEntry(Fields.EMAIL_VERIFIED, "false");
        assertThat(finished.after()).containsEntry(Fields.EMAIL_VERIFIED, "true");

        // The email changes and the old sent_to stays: the new address is not verified.
        AccountChange moved = pg.normalizeBatch(save("722", "tom", done,
                m("name", "Tom", "email", "new@example.org", "email_verification_sent_to", "tom@example.org")))
                .changes().get(0);
        assertThat(moved.after()).containsEntry(Fields.EMAIL, "new@example.org")
                .containsEntry(Fields.EMAIL_VERIFIED, "false");
        assertThat(moved.before()).doesNotContainKey(Fields.EMAIL_VERIFIED); // the token's state before is unknown
    }

    // ------------------------------------------------------------------ writes

    private static DSLContext dsl(SQLDialect d) {
        return DSL.using(d, new Settings().withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_QUOTED));
    }

    private static List<String> render(TracProfile p, SQLDialect d, Patch patch) {
        DSLContext dsl = dsl(d);
        return p.write(dsl, patch, ColumnLimits.NONE).stream().map(dsl::renderInlined).toList();
    }

    @Test
    void shouldRenderAGuardedUpdatePerAttribute() {
        Patch patch = new Patch("t", 1, "tom", "tom", Patch.Kind.UPDATE,
                m(Fields.DISPLAY_NAME, "Tom Sawyer", Fields.EMAIL, "tom@example.org"),
                m(Fields.DISPLAY_NAME, "Tom"), "test");
        List<String> pgSql = render(pg, SQLDialect.POSTGRES, patch);
        assertThat(pgSql).hasSize(3);
        assertThat(pgSql.get(0)).startsWith("update \"public\".\"session_attribute\" set \"value\" = 'Tom Sawyer'")
                .contains("\"sid\" = 'tom'", "\"authenticated\" = 1", "\"name\" = 'name'",
                        "\"value\" is distinct from 'Tom Sawyer'", "\"value\" is not distinct from 'Tom'");
        // the name is believed present: no insert for it; the email has no expectation: update and insert
        assertThat(pgSql.get(1)).contains("set \"value\" = 'tom@example.org'").doesNotContain("is not distinct from");
        assertThat(pgSql.get(2)).startsWith("insert into \"public\".\"session_attribute\"")
                .contains("'email'", "not exists", "exists (select 1");

        List<String> mariaSql = render(maria, SQLDialect.MARIADB, patch);
        assertThat(mariaSql.get(0)).startsWith("update `trac`.`session_attribute` set `value` = 'Tom Sawyer'")
                .contains("not(`value` <=> 'Tom Sawyer')", "`value` <=> 'Tom'");
        assertThat(mariaSql.get(2)).contains("not exists");
    }

    @Test
    void shouldRemoveTheAttributeForAnEmptyValue() {
        Patch patch = new Patch("t", 1, "tom", "tom", Patch.Kind.UPDATE, m(Fields.DISPLAY_NAME, ""),
                m(Fields.DISPLAY_NAME, "Tom"), "test");
        assertThat(render(pg, SQLDialect.POSTGRES, patch)).singleElement().asString()
                .startsWith("delete from \"public\".\"session_attribute\"")
                .contains("\"name\" = 'name'", "\"value\" is not distinct from 'Tom'");
    }

    @Test
    void shouldCreateTheSessionOnlyWhereMissing() {
        Patch patch = new Patch("t", 1, null, "Becky", Patch.Kind.CREATE, m(Fields.DISPLAY_NAME, "Becky Thatcher"), null,
                "test");
        for (SQLDialect d : List.of(SQLDialect.POSTGRES, SQLDialect.MARIADB)) {
            List<String> sql = render(d == SQLDialect.POSTGRES ? pg : maria, d, patch);
            assertThat(sql.get(0)).as(d.name()).contains("session", "'Becky'", "1760000000", "not exists");
            assertThat(sql).as(d.name()).hasSize(3);
        }
    }

    @Test
    void shouldDeleteLikeAccountManager() {
        Patch patch = new Patch("t", 1, "tom", "tom", Patch.Kind.DELETE, Map.of(), Map.of(), "test");
        assertThat(render(pg, SQLDialect.POSTGRES, patch)).containsExactly(
                "delete from \"public\".\"auth_cookie\" where \"name\" = 'tom'",
                "delete from \"public\".\"session_attribute\" where \"sid\" = 'tom'",
                "delete from \"public\".\"session\" where \"sid\" = 'tom'",
                "delete from \"public\".\"permission\" where \"username\" = 'tom'");
    }

    @Test
    void shouldRenderVerificationAgainstTheEmailRow() {
        Patch verify = new Patch("t", 1, "tom", "tom", Patch.Kind.UPDATE, m(Fields.EMAIL_VERIFIED, "true"), null, "t");
        List<String> pgSql = render(pg, SQLDialect.POSTGRES, verify);
        assertThat(pgSql).hasSize(3);
        assertThat(pgSql.get(0)).startsWith("delete from \"public\".\"session_attribute\" as \"a\" using")
                .contains("'email_verification_token'", "\"e\".\"name\" = 'email'");
        assertThat(pgSql.get(1)).contains("'email_verification_sent_to'", "\"a\".\"value\" is distinct from \"e\".\"value\"");
        assertThat(pgSql.get(2)).startsWith("insert into").contains("\"e\".\"value\"", "not exists");
        List<String> mariaSql = render(maria, SQLDialect.MARIADB, verify);
        assertThat(mariaSql.get(0)).startsWith("delete from `a` using `trac`.`session_attribute` as `a`");

        Patch unverify = new Patch("t", 1, "tom", "tom", Patch.Kind.UPDATE,
                m(Fields.EMAIL, "new@example.org", Fields.EMAIL_VERIFIED, "false"), null, "t");
        List<String> sql = render(pg, SQLDialect.POSTGRES, unverify);
        assertThat(sql).hasSize(5); // email update + insert, sent_to delete + insert, token insert
        assertThat(sql.get(4)).contains("'email_verification_token'", "\"e\".\"value\" = 'new@example.org'",
                "not exists");
        assertThat(sql.get(4)).containsPattern("'[A-Za-z0-9_-]{8}'");
    }

    @Test
    void shouldRefuseOnlyFourByteCharactersInAUtf8mb3Column() {
        ColumnLimits utf8mb3 = (table, column) -> new ColumnLimits.Limit(OptionalInt.of(16_777_215), false, "mediumtext");
        assertThat(maria.rejects(Fields.DISPLAY_NAME, "Zoë 😀", utf8mb3)).hasValueSatisfying(r -> assertThat(r)
                .contains("display_name", "session_attribute.value").doesNotContain("Zoë"));
        assertThat(maria.rejects(Fields.DISPLAY_NAME, "Zoë", utf8mb3)).isEmpty();
        assertThat(pg.rejects(Fields.DISPLAY_NAME, "Zoë 😀", ColumnLimits.NONE)).isEmpty();
        assertThat(pg.rejects(Fields.EMAIL_VERIFIED, "true", utf8mb3)).isEmpty();
    }
}
