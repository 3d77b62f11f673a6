package io.accountsync.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accountsync.model.AccountChange;
import io.accountsync.model.Dialect;
import io.accountsync.model.RowChange;
import io.accountsync.profile.mediawiki.MediaWikiProfile;
import io.accountsync.profile.moodle.MoodleProfile;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rows a profile cannot understand: each problem says where it was and, when the row has a key,
 * carries that key (so the quarantine entry names it and a retry can read the row again); a change
 * that repairs an unreadable value is not itself refused for its unreadable before image.
 */
class BadRowTest {
    private static final Instant COMMIT = Instant.parse("2026-03-01T12:00:00Z");
    private static final byte[] NOT_UTF8 = {'H', 'u', 'c', 'k', (byte) 0xC3, '('};

    private final GenericProfile generic = new GenericProfile(new GenericMapping(null, "users", "id", "username",
            new LinkedHashMap<>(Map.of("display_name", "full_name", "email", "email")), "updated_at", false, null),
            Dialect.MARIADB, "app");
    private final MediaWikiProfile wiki = new MediaWikiProfile(AppSettings.DEFAULTS, Dialect.MARIADB, "wiki");
    private final MoodleProfile moodle = new MoodleProfile(AppSettings.DEFAULTS, Dialect.POSTGRESQL, "moodle",
            Clock.fixed(COMMIT, ZoneOffset.UTC));

    private static Map<String, Object> generic(Object id, Object username, Object name) {
        Map<String, Object> r = new HashMap<>();
        r.put("id", id);
        r.put("username", username);
        r.put("full_name", name);
        r.put("email", "e@example.org");
        return r;
    }

    private static Map<String, Object> wikiRow(long id, Object name, Object realName) {
        Map<String, Object> r = new HashMap<>();
        r.put("user_id", id);
        r.put("user_name", name);
        r.put("user_real_name", realName);
        r.put("user_email", "h@example.org".getBytes(StandardCharsets.UTF_8));
        r.put("user_email_authenticated", null);
        r.put("user_touched", "20260101000000".getBytes(StandardCharsets.UTF_8));
        r.put("user_is_temp", 0);
        return r;
    }

    private static Map<String, Object> moodleRow(long id, String username) {
        Map<String, Object> r = new HashMap<>();
        r.put("id", id);
        r.put("username", username);
        r.put("mnethostid", 1L);
        r.put("deleted", 0);
        r.put("firstname", "Ana");
        r.put("lastname", "García");
        r.put("email", "ana@example.org");
        r.put("confirmed", 1);
        r.put("suspended", 0);
        r.put("timemodified", 1_767_000_000L);
        return r;
    }

    @Test
    void shouldNameTheKeyOfAGenericRowWithoutUsername() {
        for (Object username : new Object[] {null, "", "  \t"}) {
            RowChange rc = new RowChange("a", "app.users", RowChange.Op.CREATE, null, generic(7, username, "X"), COMMIT,
                    "0-1-9 bin.000001:4", "0-1-9");
            assertThatThrownBy(() -> generic.normalize(rc)).isInstanceOfSatisfying(BadRowException.class, e -> {
                assertThat(e.localKey()).isEqualTo("7");
                assertThat(e.getMessage()).isEqualTo("env a, table app.users at 0-1-9 bin.000001:4: username column username "
                        + "is empty for key 7");
            });
        }
    }

    @Test
    void shouldNameWhereAndWhichKeyABinaryColumnIsNotUtf8() {
        RowChange rc = new RowChange("a", "app.users", RowChange.Op.CREATE, null, generic(8, "tom", NOT_UTF8), COMMIT,
                "0-1-10 bin.000001:99", "0-1-10");
        assertThatThrownBy(() -> generic.normalize(rc)).isInstanceOfSatisfying(BadRowException.class, e -> {
            assertThat(e.localKey()).isEqualTo("8");
            assertThat(e.getMessage()).isEqualTo("env a, table app.users at 0-1-10 bin.000001:99: column full_name holds bytes "
                    + "that are not valid UTF-8 (key 8)");
        });
    }

    @Test
    void shouldHaveNoKeyForARowWithoutKey() {
        RowChange rc = new RowChange("a", "app.users", RowChange.Op.CREATE, null, generic(null, "tom", "Tom"), COMMIT, "p", null);
        assertThatThrownBy(() -> generic.normalize(rc)).isInstanceOfSatisfying(BadRowException.class,
                e -> assertThat(e.localKey()).isNull());
    }

    @Test
    void shouldCarryTheUserIdOfAMediaWikiRowWithBadBytes() {
        RowChange rc = new RowChange("wiki", "wiki.user", RowChange.Op.UPDATE, wikiRow(5, "Huck".getBytes(StandardCharsets.UTF_8),
                "Huck".getBytes(StandardCharsets.UTF_8)), wikiRow(5, "Huck".getBytes(StandardCharsets.UTF_8), NOT_UTF8), COMMIT,
                "0-1-3 bin.000002:7", "0-1-3");
        assertThatThrownBy(() -> wiki.normalize(rc)).isInstanceOfSatisfying(BadRowException.class, e -> {
            assertThat(e.localKey()).isEqualTo("5");
            assertThat(e.getMessage()).isEqualTo("env wiki, table wiki.user at 0-1-3 bin.000002:7: column user_real_name holds "
                    + "bytes that are not valid UTF-8 (user_id 5)");
        });
        RowChange empty = new RowChange("wiki", "wiki.user", RowChange.Op.CREATE, null, wikiRow(6, new byte[0], new byte[0]),
                COMMIT, "q", "t");
        assertThatThrownBy(() -> wiki.normalize(empty)).isInstanceOfSatisfying(BadRowException.class,
                e -> assertThat(e.localKey()).isEqualTo("6"));
    }

    @Test
    void shouldTakeTheRepairOfAnUnreadableValueAsAChange() throws Exception {
        // The before image holds the bad bytes this change repairs: the change is an edit of every field it carries.
        RowChange fix = new RowChange("wiki", "wiki.user", RowChange.Op.UPDATE, wikiRow(5, "Huck".getBytes(StandardCharsets.UTF_8),
                NOT_UTF8), wikiRow(5, "Huck".getBytes(StandardCharsets.UTF_8), "Huck Fixed".getBytes(StandardCharsets.UTF_8)),
                COMMIT, "0-1-4 bin.000002:9", "0-1-4");
        List<AccountChange> out = wiki.normalize(fix);
        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.after()).containsEntry("display_name", "Huck Fixed");
            assertThat(c.before()).isEmpty();
            assertThat(c.edits("display_name")).isTrue();
        });
        RowChange genericFix = new RowChange("a", "app.users", RowChange.Op.UPDATE, generic(8, "tom", NOT_UTF8),
                generic(8, "tom", "Tom"), COMMIT, "p", "t");
        assertThat(generic.normalize(genericFix)).singleElement().satisfies(c -> assertThat(c.edits("display_name")).isTrue());
    }

    @Test
    void shouldCarryTheIdOfAMoodleRowWithoutUsername() {
        RowChange rc = new RowChange("lms", "public.mdl_user", RowChange.Op.UPDATE, moodleRow(3, "ana"), moodleRow(3, "   "),
                COMMIT, "lsn=5", "77");
        assertThatThrownBy(() -> moodle.normalize(rc)).isInstanceOfSatisfying(BadRowException.class, e -> {
            assertThat(e.localKey()).isEqualTo("3");
            assertThat(e.getMessage()).isEqualTo("env lms, table public.mdl_user at lsn=5: username is empty for id 3");
        });
    }

    @Test
    void shouldKeepTheKeyThroughABatch() {
        RowChange bad = new RowChange("a", "app.users", RowChange.Op.CREATE, null, generic(9, "", "X"), COMMIT, "p1", "t1");
        RowChange good = new RowChange("a", "app.users", RowChange.Op.CREATE, null, generic(10, "ana", "Ana"), COMMIT, "p2", "t2");
        Profile.Normalized n = generic.normalizeBatch(List.of(bad, good));
        assertThat(n.changes()).extracting(AccountChange::localKey).containsExactly("10");
        assertThat(n.bad()).singleElement().satisfies(b -> {
            assertThat(b.position()).isEqualTo("p1");
            assertThat(b.localKey()).isEqualTo("9");
        });
    }
}
