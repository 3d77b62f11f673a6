package io.accountsync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanonicalValuesTest {
    private static final Instant T = Instant.parse("2026-05-01T10:00:00.123456Z");

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripValuesNullsAndAwkwardTextWithFieldsSorted() {
        Map<String, CanonicalValue> values = new LinkedHashMap<>();
        values.put("email", new CanonicalValue("tom@example.org", "wiki", T));
        values.put("display_name", new CanonicalValue("Tom \"Sawyer\" \\ Ölmez\n\u0001", "trac", T.plusSeconds(5)));
        values.put("email_verified", new CanonicalValue(null, "moodle", Instant.EPOCH));
        String text = CanonicalValues.encode(values);
        assertThat(text).startsWith("{\"display_name\":{\"value\":\"Tom \\\"Sawyer\\\"");
        assertThat(text.indexOf("\"email\"")).isLessThan(text.indexOf("\"email_verified\""));
        assertThat(CanonicalValues.decode(7, text)).isEqualTo(values);
        assertThat(CanonicalValues.encode(CanonicalValues.decode(7, text))).isEqualTo(text);
    }

    @Test
    void shouldStoreNoTextForNoValuesAndKeepTimesToTheMicrosecond() {
        assertThat(CanonicalValues.encode(Map.of())).isNull();
        assertThat(CanonicalValues.decode(7, null)).isEmpty();
        Instant nanos = Instant.parse("2026-05-01T10:00:00.123456789Z");
        assertThat(CanonicalValues.decode(7, CanonicalValues.encode(Map.of("email", new CanonicalValue("x", "a", nanos))))
                .get("email").sourceTime()).isEqualTo(T);
    }

    @Test
    void shouldNameTheAccountButNotQuoteTheTextWhenItIsUnreadable() {
        assertThatThrownBy(() -> CanonicalValues.decode(42, "{\"email\":{\"value\":\"secret@example.org\""))
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining("canonical values of account 42 are not readable")
                .hasMessageNotContaining("secret@example.org")
                .hasNoCause();
        assertThatThrownBy(() -> CanonicalValues.decode(42, "{\"email\":{\"value\":\"x\"}}"))
                .isInstanceOf(StateStoreException.class).hasMessageContaining("field email lacks its env or time");
        assertThatThrownBy(() -> CanonicalValues.decode(42, "{\"email\":{\"value\":\"x\",\"env\":\"a\",\"time\":\"yesterday\"}}"))
                .isInstanceOf(StateStoreException.class).hasMessageContaining("a time is not an ISO-8601 instant");
        assertThatThrownBy(() -> CanonicalValues.decode(42, "[]"))
                .isInstanceOf(StateStoreException.class).hasMessageContaining("account 42");
    }

    /**
     * A batch writes an account's values back only where the row still holds what the batch read: a value an
     * operator set meanwhile (another connection, committed in between) survives the batch's write of another field.
     */
    @Test
    void shouldKeepAValueAnotherWriterSetWhileABatchHeldTheAccount() throws Exception {
        StateStore store = new StateStore("jdbc:h2:file:" + dir.resolve("state"), null, null).openForUse();
        long tom;
        long huck;
        try (Connection c = store.connect()) {
            StateDao dao = new StateDao(c);
            tom = dao.createAccount("tom", T);
            huck = dao.createAccount("huck", T);
            dao.setCanonical(tom, "email", new CanonicalValue("tom@old.org", "wiki", T));
            dao.setCanonical(huck, "email", new CanonicalValue("huck@old.org", "wiki", T));
            c.commit();
        }
        try (Connection batch = store.connect(); Connection operator = store.connect()) {
            BatchState state = new BatchState(new StateDao(batch), "trac");
            assertThat(state.canonical(tom)).containsOnlyKeys("email");
            assertThat(state.canonical(huck)).containsOnlyKeys("email");
            new StateDao(operator).setCanonical(tom, "display_name", new CanonicalValue("Tom Sawyer", "operator", T));
            operator.commit();
            state.setCanonical(tom, "email", new CanonicalValue("tom@new.org", "trac", T.plusSeconds(1)));
            state.setCanonical(huck, "email", new CanonicalValue("huck@new.org", "trac", T.plusSeconds(1)));
            state.flush(T.plusSeconds(1));
            batch.commit();
            StateDao dao = new StateDao(batch);
            assertThat(dao.canonical(tom)).isEqualTo(Map.of(
                    "email", new CanonicalValue("tom@new.org", "trac", T.plusSeconds(1)),
                    "display_name", new CanonicalValue("Tom Sawyer", "operator", T)));
            assertThat(dao.canonical(huck)).isEqualTo(Map.of(
                    "email", new CanonicalValue("huck@new.org", "trac", T.plusSeconds(1))));
            // The view reads the account again after such a write: it shows both values.
            assertThat(state.canonical(tom)).containsOnlyKeys("email", "display_name");
        }
    }
}
