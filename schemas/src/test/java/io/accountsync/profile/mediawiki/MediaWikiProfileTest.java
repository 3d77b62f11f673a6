package io.accountsync.profile.mediawiki;

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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaWikiProfileTest {
    private static final Instant COMMIT = Instant.parse("2026-03-01T12:00:00Z");
    private static final Instant TOUCHED = Instant.parse("2025-12-24T08:00:00Z");

    private final MediaWikiProfile pg = new MediaWikiProfile(AppSettings.DEFAULTS, Dialect.POSTGRESQL, "wiki");
    private final MediaWikiProfile maria = new MediaWikiProfile(AppSettings.DEFAULTS, Dialect.MARIADB, "wiki");
    private final MediaWikiProfile prefixed = new MediaWikiProfile(new AppSettings(null, "mw_", 1, null), Dialect.MARIADB, "wiki");

    // ------------------------------------------------------------------ names and tables

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "tom_sawyer|Tom sawyer",
            "éric|Éric",
            "'  a__b '|A b",
            "Tom Sawyer|Tom Sawyer",
            "_Tom___Sawyer_|Tom Sawyer",
            "ßtraße|Sstraße",
            "ǆemal|ǅemal",
            "ﬁrst|First",
            "иван|Иван",
            "美咲|美咲",
            "1st_user|1st user",
            "tom\u00A0\u3000sawyer|Tom sawyer",
            "\u200Etom|Tom",
            "e\u0301ric|Éric"})
    void shouldNormalizeUsernamesAsMediaWikisTitleCodeDoes(String raw, String canonical) {
        assertThat(pg.normalizeUsername(raw)).isEqualTo(canonical);
        assertThat(maria.normalizeUsername(raw)).isEqualTo(canonical);
    }

    @Test
    void shouldCorrelateByTheCanonicalNameInLowerCase() {
        assertThat(pg.correlationKey("tom_sawyer")).isEqualTo("tom sawyer");
        assertThat(pg.correlationKey("Tom Sawyer")).isEqualTo("tom sawyer");
        assertThat(pg.normalizeUsername(null)).isNull();
    }

    @Test
    void shouldNameItsTablesPerDialect() {
        assertThat(pg.name()).isEqualTo("mediawiki");
        assertThat(pg.capturedTables()).containsExactly("mediawiki.user");
        assertThat(new MediaWikiProfile(new AppSettings("wiki_a", null, 1, null), Dialect.POSTGRESQL, "db").capturedTables())
                .containsExactly("wiki_a.user");
        assertThat(maria.capturedTables()).containsExactly("wiki.user");
        assertThat(prefixed.capturedTables()).containsExactly("wiki.mw_user");
        assertThat(prefixed.writtenTables()).containsExactly("mw_user", "mw_actor");
        assertThat(pg.fields()).containsExactly(Fields.DISPLAY_NAME, Fields.EMAIL, Fields.EMAIL_VERIFIED, Fields.PASSWORD);
        assertThat(pg.passwordScheme()).isEqualTo("mediawiki");
        assertThat(new MediaWikiProfile(new AppSettings(null, null, 1, "pbkdf2"), Dialect.MARIADB, "db").passwordScheme())
                .isEqualTo("pbkdf2");
    }

    // ------------------------------------------------------------------ reading

    private static Map<String, Object> pgRow(int id, String name, String realName, String email, Instant authenticated) {
        Map<String, Object> r = new HashMap<>();
        r.put("user_id", id);
        r.put("user_name", name);
        r.put("user_real_name", realName);
        r.put("user_email", email);
        r.put("user_password", ":pbkdf2:sha512:30000:64:c2FsdA==:aGFzaA==");
        r.put("user_touched", TOUCHED);
        r.put("user_email_authenticated", authenticated);
        r.put("user_is_temp", (short) 0);
        return r;
    }

    /** A row as MariaDB's binlog (and JDBC) gives it: binary columns as bytes, BINARY(n) NUL-padded. */
    private static Map<String, Object> mariaRow(long id, String name, String realName, String email, String authenticated) {
        Map<String, Object> r = new HashMap<>();
        r.put("user_id", id);
        r.put("user_name", utf8(name));
        r.put("user_real_name", utf8(realName));
        r.put("user_email", utf8(email));
        r.put("user_password", utf8(""));
        r.put("user_touched", binary("20251224080000", 14));
        r.put("user_email_authenticated", authenticated == null ? null : binary(authenticated, 14));
        r.put("user_token", binary("", 32));
        r.put("user_is_temp", (short) 0);
        return r;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** What MySQL/MariaDB store in BINARY(width): the bytes, NUL-padded on the right. */
    private static byte[] binary(String s, int width) {
        return Arrays.copyOf(utf8(s), width);
    }

    private static RowChange read(String table, Map<String, Object> row) {
        return new RowChange("w", table, RowChange.Op.READ, null, row, COMMIT, "p", null);
    }

    @Test
    void shouldReadPostgresRowsAsCanonicalValues() throws Exception {
        AccountChange c = pg.normalize(read("mediawiki.user", pgRow(7, "Tom sawyer", "Tom Sawyer", "tom@example.org", TOUCHED)))
                .get(0);
        assertThat(c.localKey()).isEqualTo("7");
        assertThat(c.username()).isEqualTo("Tom sawyer");
        assertThat(c.snapshot()).isTrue();
        assertThat(c.commitTime()).isEqualTo(TOUCHED);
        assertThat(c.after()).containsEntry(Fields.DISPLAY_NAME, "Tom Sawyer").containsEntry(Fields.EMAIL, "tom@example.org")
                .containsEntry(Fields.EMAIL_VERIFIED, "true")
                .containsEntry(Fields.PASSWORD, ":pbkdf2:sha512:30000:64:c2FsdA==:aGFzaA==");
    }

    @Test
    void shouldDecodeBinaryColumnsAndNulPaddedTimestamps() throws Exception {
        AccountChange c = maria.normalize(read("wiki.user",
                mariaRow(7L, "Zoë", "Zoë Ørsted 美咲", "zoe@example.org", "20240102030405"))).get(0);
        assertThat(c.localKey()).isEqualTo("7");
        assertThat(c.username()).isEqualTo("Zoë");
        assertThat(c.commitTime()).isEqualTo(TOUCHED);
        assertThat(c.after()).containsEntry(Fields.DISPLAY_NAME, "Zoë Ørsted 美咲").containsEntry(Fields.EMAIL_VERIFIED, "true")
                .containsEntry(Fields.PASSWORD, null); // '' is MediaWiki's invalid (no) password

        assertThat(RowValues.timestamp("user_touched", binary("20240102030405", 20), "7"))
                .isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
        assertThat(RowValues.timestamp("user_touched", "20240102030405\0\0", "7"))
                .isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
        assertThat(RowValues.timestamp("user_touched", OffsetDateTime.of(2024, 1, 2, 4, 4, 5, 0, ZoneOffset.ofHours(1)), "7"))
                .isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
        assertThat(RowValues.timestamp("user_email_authenticated", binary("", 14), "7")).isNull();
        assertThatThrownBy(() -> RowValues.timestamp("user_touched", binary("2024-01-02", 14), "7"))
                .isInstanceOf(BadRowException.class)
                .hasMessageContaining("column user_touched holds '2024-01-02', not a MediaWiki timestamp")
                .hasMessageContaining("user_id 7");
        assertThatThrownBy(() -> RowValues.timestamp("user_touched", "2024\0" + "0102030405", "7"))
                .isInstanceOf(BadRowException.class).hasMessageContaining("'2024\\u00000102030405'");
    }

    @Test
    void shouldMapTheAuthenticationTimeToVerification() throws Exception {
        assertThat(pg.normalize(read("mediawiki.user", pgRow(1, "A", "", "", null))).get(0).after())
                .containsEntry(Fields.EMAIL_VERIFIED, "false")
                .containsEntry(Fields.DISPLAY_NAME, null).containsEntry(Fields.EMAIL, null);
        assertThat(maria.normalize(read("wiki.user", mariaRow(1, "A", "", "a@x", null))).get(0).after())
                .containsEntry(Fields.EMAIL_VERIFIED, "false");
        // An empty string in BINARY(14) is fourteen NULs: not an authentication time.
        assertThat(maria.normalize(read("wiki.user", mariaRow(1, "A", "", "a@x", ""))).get(0).after())
                .containsEntry(Fields.EMAIL_VERIFIED, "false");
        assertThat(maria.normalize(read("wiki.user", mariaRow(1, "A", "", "a@x", "20240102030405"))).get(0).after())
                .containsEntry(Fields.EMAIL_VERIFIED, "true");
    }

    @Test
    void shouldRefuseBytesThatAreNotUtf8NamingColumnAndKey() {
        Map<String, Object> row = mariaRow(42L, "Tom", "x", "t@x", null);
        row.put("user_real_name", new byte[] {'T', (byte) 0xC3, (byte) 0x28});
        assertThatThrownBy(() -> maria.normalize(read("wiki.user", row)))
                .isInstanceOf(BadRowException.class)
                .hasMessageContaining("column user_real_name holds bytes that are not valid UTF-8")
                .hasMessageContaining("user_id 42");
        Map<String, Object> badName = mariaRow(43L, "Tom", "x", "t@x", null);
        badName.put("user_name", new byte[] {(byte) 0xFF});
        assertThatThrownBy(() -> maria.normalize(read("wiki.user", badName)))
                .isInstanceOf(BadRowException.class).hasMessageContaining("column user_name").hasMessageContaining("user_id 43");
    }

    @Test
    void shouldSkipTemporaryAccountsAndOtherTables() throws Exception {
        Map<String, Object> temp = pgRow(9, "~2025-1", "", "", null);
        temp.put("user_is_temp", (short) 1);
        assertThat(pg.normalize(read("mediawiki.user", temp))).isEmpty();
        Map<String, Object> mariaTemp = mariaRow(9, "~2025-1", "", "", null);
        mariaTemp.put("user_is_temp", Boolean.TRUE);
        assertThat(maria.normalize(read("wiki.user", mariaTemp))).isEmpty();
        // Before 1.41 there is no user_is_temp: every row is an account.
        Map<String, Object> old = pgRow(10, "Old", "", "", null);
        old.remove("user_is_temp");
        assertThat(pg.normalize(read("mediawiki.user", old))).hasSize(1);
        assertThat(pg.normalize(read("mediawiki.actor", pgRow(1, "A", "", "", null)))).isEmpty();
    }

    @Test
    void shouldSeeACacheInvalidationAsNoEdit() throws Exception {
        Map<String, Object> before = pgRow(7, "Tom sawyer", "Tom Sawyer", "tom@example.org", TOUCHED);
        Map<String, Object> after = new HashMap<>(before);
        after.put("user_touched", TOUCHED.plusSeconds(1));
        AccountChange c = pg.normalize(new RowChange("w", "mediawiki.user", RowChange.Op.UPDATE, before, after, COMMIT,
                "lsn=1", "99")).get(0);
        assertThat(c.snapshot()).isFalse();
        assertThat(c.commitTime()).isEqualTo(COMMIT);
        for (String f : pg.fields()) {
            assertThat(c.edits(f)).as(f).isFalse();
        }
        after.put("user_real_name", "Tom S.");
        AccountChange edit = pg.normalize(new RowChange("w", "mediawiki.user", RowChange.Op.UPDATE, before, after, COMMIT,
                "lsn=2", "100")).get(0);
        assertThat(edit.edits(Fields.DISPLAY_NAME)).isTrue();
        assertThat(edit.edits(Fields.EMAIL)).isFalse();
    }

    // ------------------------------------------------------------------ writing

    private static DSLContext dsl(SQLDialect dialect) {
        return DSL.using(dialect, new Settings().withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_QUOTED)
                .withExecuteLogging(false));
    }

    private static List<String> render(MediaWikiProfile profile, SQLDialect dialect, Patch patch) {
        DSLContext dsl = dsl(dialect);
        return profile.write(dsl, patch, ColumnLimits.NONE).stream().map(dsl::renderInlined).toList();
    }

    private static Patch update(Map<String, String> values, Map<String, String> expected) {
        return new Patch("w", 1, "7", "Tom sawyer", Patch.Kind.UPDATE, values, expected, "test");
    }

    @Test
    void shouldRenderAGuardedUpdateThatBumpsUserTouchedOnPostgres() {
        List<String> sql = render(pg, SQLDialect.POSTGRES, update(Map.of(Fields.DISPLAY_NAME, "Tom Sawyer"),
                Map.of(Fields.DISPLAY_NAME, "Tom")));
        assertThat(sql).hasSize(1);
        assertThat(sql.get(0))
                .startsWith("update \"mediawiki\".\"user\" set \"user_real_name\" = 'Tom Sawyer', \"user_touched\" = greatest(")
                .contains("date_trunc('second', current_timestamp)")
                .contains("date_trunc('second', \"user_touched\") + interval '1 second'")
                .contains("\"user_id\" = 7")
                .contains("\"user_real_name\" is distinct from 'Tom Sawyer'")
                .contains("\"user_real_name\" is not distinct from 'Tom'");
    }

    @Test
    void shouldRenderAGuardedUpdateThatBumpsUserTouchedOnMariaDb() {
        List<String> sql = render(prefixed, SQLDialect.MARIADB, update(Map.of(Fields.DISPLAY_NAME, "Zoë"), Map.of()));
        assertThat(sql).hasSize(1);
        assertThat(sql.get(0))
                .startsWith("update `wiki`.`mw_user` set `user_real_name` = 'Zoë', `user_touched` = greatest(")
                .contains("DATE_FORMAT(UTC_TIMESTAMP(), '%Y%m%d%H%i%s')")
                .contains("date_add(cast(`user_touched` as datetime), interval 1 second)")
                .contains("not(`user_real_name` <=> 'Zoë')");
    }

    @Test
    void shouldClearTheConfirmationOfAChangedEmailBeforeWritingIt() {
        String sql = render(maria, SQLDialect.MARIADB, update(Map.of(Fields.EMAIL, "new@example.org"),
                Map.of(Fields.EMAIL, "old@example.org"))).get(0);
        // MariaDB assigns left to right: token, expiry and authentication are decided on the old address.
        assertThat(sql).containsSubsequence(
                "`user_email_token` = case when (not(`user_email` <=> 'new@example.org')) then null",
                "`user_email_token_expires` = case when (not(`user_email` <=> 'new@example.org')) then null",
                "`user_email_authenticated` = case when (not(`user_email` <=> 'new@example.org')) then null",
                "`user_email` = 'new@example.org'",
                "`user_touched` = greatest(",
                "where (`user_id` = 7",
                "`user_email` <=> 'old@example.org'");

        String verified = render(pg, SQLDialect.POSTGRES, update(
                new LinkedHashMap<>(Map.of(Fields.EMAIL, "new@example.org", Fields.EMAIL_VERIFIED, "true")), Map.of())).get(0);
        assertThat(verified).contains("\"user_email_authenticated\" = case when (\"user_email\" is distinct from 'new@example.org'"
                + " or \"user_email_authenticated\" is null) then date_trunc('second', current_timestamp) else \"user_email_authenticated\" end");
    }

    @Test
    void shouldWriteVerificationAsAnAuthenticationTime() {
        String on = render(pg, SQLDialect.POSTGRES, update(Map.of(Fields.EMAIL_VERIFIED, "true"), Map.of())).get(0);
        assertThat(on).contains("\"user_email_authenticated\" = case when \"user_email_authenticated\" is null then "
                + "date_trunc('second', current_timestamp) else \"user_email_authenticated\" end")
                .contains("and \"user_email_authenticated\" is null");
        String off = render(maria, SQLDialect.MARIADB, update(Map.of(Fields.EMAIL_VERIFIED, "false"), Map.of())).get(0);
        assertThat(off).contains("`user_email_authenticated` = null")
                .contains("not (`user_email_authenticated` is null or replace(`user_email_authenticated`, UNHEX('00'), '') = '')");
    }

    @Test
    void shouldCreateTheUserAndItsActorOnce() {
        Patch create = new Patch("w", 1, null, "becky_thatcher", Patch.Kind.CREATE,
                Map.of(Fields.DISPLAY_NAME, "Becky Thatcher", Fields.EMAIL, "becky@example.org", Fields.EMAIL_VERIFIED, "true"),
                null, "test");
        List<String> sql = render(pg, SQLDialect.POSTGRES, create);
        assertThat(sql).hasSize(3);
        assertThat(sql.get(0)).startsWith("insert into \"mediawiki\".\"user\" (\"user_name\", \"user_real_name\", \"user_password\", "
                        + "\"user_newpassword\", \"user_email\", \"user_touched\", \"user_token\", \"user_email_authenticated\", "
                        + "\"user_registration\", \"user_editcount\")")
                .contains("select 'Becky thatcher', 'Becky Thatcher', '', '', 'becky@example.org', date_trunc('second', current_timestamp)")
                .containsPattern("'[0-9a-f]{32}'")
                .endsWith("where not exists (select 1 as \"one\" from \"mediawiki\".\"user\" where \"user_name\" = 'Becky thatcher')");
        assertThat(sql.get(1)).startsWith("insert into \"mediawiki\".\"actor\" (\"actor_user\", \"actor_name\") select \"u\".\"user_id\", \"u\".\"user_name\"")
                .contains("not exists (select 1 as \"one\" from \"mediawiki\".\"actor\" as \"a\" where (\"a\".\"actor_user\" = \"u\".\"user_id\" or \"a\".\"actor_name\" = \"u\".\"user_name\"))");
        assertThat(sql.get(2)).startsWith("update \"mediawiki\".\"user\" set").contains("where (\"user_name\" = 'Becky thatcher' and (");
        // Over a row inserted meanwhile, only where it still holds what the create expects.
        Patch later = new Patch("w", 1, null, "becky_thatcher", Patch.Kind.CREATE, Map.of(Fields.DISPLAY_NAME, "Becky T."),
                Map.of(Fields.DISPLAY_NAME, "Becky Thatcher"), "test");
        assertThat(render(pg, SQLDialect.POSTGRES, later).get(2)).contains("\"user_name\" = 'Becky thatcher'")
                .contains("\"user_real_name\" is not distinct from 'Becky Thatcher'");

        ColumnLimits withTemp = (table, column) -> new ColumnLimits.Limit(OptionalInt.empty(), true,
                column.equals("user_is_temp") ? "tinyint" : null);
        DSLContext dsl = dsl(SQLDialect.MARIADB);
        String maria1 = dsl.renderInlined(maria.write(dsl, create, withTemp).get(0));
        assertThat(maria1).contains("`user_editcount`, `user_is_temp`)")
                .contains("DATE_FORMAT(UTC_TIMESTAMP(), '%Y%m%d%H%i%s')");
    }

    @Test
    void shouldWriteNothingWhenNothingIsSyncedOrForADelete() {
        assertThat(render(pg, SQLDialect.POSTGRES, update(Map.of(Fields.GIVEN_NAME, "Tom"), Map.of()))).isEmpty();
        assertThat(render(pg, SQLDialect.POSTGRES, new Patch("w", 1, "7", "Tom", Patch.Kind.DELETE, Map.of(), null, "gone")))
                .isEmpty();
    }

    // ------------------------------------------------------------------ limits

    @Test
    void shouldRefuseValuesLongerThan255BytesOnMariaDb() {
        String greek = "Ω".repeat(128); // 128 characters, 256 bytes
        assertThat(maria.rejects(Fields.DISPLAY_NAME, greek, ColumnLimits.NONE)).hasValueSatisfying(r -> assertThat(r)
                .isEqualTo("display_name: 256 bytes in UTF-8 (128 characters) do not fit column user_real_name,"
                        + " which holds at most 255 bytes"));
        assertThat(maria.rejects(Fields.DISPLAY_NAME, "Ω".repeat(127), ColumnLimits.NONE)).isEmpty();
        assertThat(maria.rejects(Fields.EMAIL, "a".repeat(250) + "@x.org", ColumnLimits.NONE))
                .hasValueSatisfying(r -> assertThat(r).contains("column user_email"));
        assertThat(maria.rejects(Fields.USERNAME, "é".repeat(128), ColumnLimits.NONE))
                .hasValueSatisfying(r -> assertThat(r).contains("column user_name"));
        assertThat(maria.rejects(Fields.EMAIL_VERIFIED, "true", ColumnLimits.NONE)).isEmpty();
        assertThat(pg.rejects(Fields.DISPLAY_NAME, greek.repeat(100), ColumnLimits.NONE)).isEmpty();
        assertThat(pg.rejects(Fields.DISPLAY_NAME, "a\0b", ColumnLimits.NONE)).isPresent();
    }
}
