package io.accountsync.merge;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.model.AccountChange;
import io.accountsync.state.CanonicalValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergerTest {
    private static final Instant T1 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant T2 = T1.plusSeconds(5);
    private static final List<String> SYNC = List.of("display_name", "email");

    private static AccountChange update(String env, Map<String, String> before, Map<String, String> after, Instant at) {
        return new AccountChange(env, "1", "tom", AccountChange.Kind.UPSERT, false, before, after, at, "pos", "tx");
    }

    @Test
    void shouldMakeTheFirstValueCanonicalAndPropagateIt() {
        MergeDecision d = Merger.decide(update("a", Map.of(), Map.of("display_name", "Tom", "email", "t@x"), T1),
                false, Map.of(), SYNC);
        assertThat(d.updates()).containsKeys("display_name", "email");
        assertThat(d.propagate()).containsExactlyInAnyOrder("display_name", "email");
        assertThat(d.repair()).isEmpty();
    }

    @Test
    void shouldIgnoreValuesThatAreAlreadyCanonical() {
        Map<String, CanonicalValue> canonical = Map.of("display_name", new CanonicalValue("Tom", "b", T1));
        MergeDecision d = Merger.decide(update("a", Map.of("display_name", "Old"), Map.of("display_name", "Tom"), T2),
                false, canonical, SYNC);
        assertThat(d.isNoop()).isTrue();
        assertThat(d.unchanged()).containsExactly("display_name");
    }

    @Test
    void shouldLetTheLaterCommitWin() {
        Map<String, CanonicalValue> canonical = Map.of("display_name", new CanonicalValue("Tom", "b", T1));
        MergeDecision d = Merger.decide(update("a", Map.of("display_name", "Tom"), Map.of("display_name", "Tommy"), T2),
                false, canonical, SYNC);
        assertThat(d.updates().get("display_name")).isEqualTo(new CanonicalValue("Tommy", "a", T2));
        assertThat(d.propagate()).containsExactly("display_name");
    }

    @Test
    void shouldSendTheCanonicalValueBackWhenAnEditIsOlder() {
        Map<String, CanonicalValue> canonical = Map.of("display_name", new CanonicalValue("Tommy", "b", T2));
        MergeDecision d = Merger.decide(update("a", Map.of("display_name", "Tom"), Map.of("display_name", "Thomas"), T1),
                false, canonical, SYNC);
        assertThat(d.updates()).isEmpty();
        assertThat(d.repair()).containsExactly("display_name");
    }

    @Test
    void shouldNeverLetAnEchoChangeCanonicalState() {
        Map<String, CanonicalValue> canonical = Map.of("display_name", new CanonicalValue("Newest", "c", T1));
        MergeDecision d = Merger.decide(update("a", Map.of("display_name", "x"), Map.of("display_name", "Overtaken"), T2),
                true, canonical, SYNC);
        assertThat(d.updates()).isEmpty();
        assertThat(d.propagate()).isEmpty();
        assertThat(d.repair()).containsExactly("display_name");
    }

    @Test
    void shouldRepairAFieldThatWasNotEditedButIsStale() {
        Map<String, CanonicalValue> canonical = Map.of("email", new CanonicalValue("new@x", "c", T1));
        MergeDecision d = Merger.decide(update("a", Map.of("display_name", "A", "email", "old@x"),
                Map.of("display_name", "B", "email", "old@x"), T2), false, canonical, SYNC);
        assertThat(d.propagate()).containsExactly("display_name");
        assertThat(d.repair()).containsExactly("email");
    }

    @Test
    void shouldGiveTiesToTheChangeProcessedLater() {
        Map<String, CanonicalValue> canonical = Map.of("display_name", new CanonicalValue("From B", "b", T1));
        MergeDecision d = Merger.decide(update("c", Map.of("display_name", "x"), Map.of("display_name", "From C"), T1),
                false, canonical, SYNC);
        assertThat(d.propagate()).containsExactly("display_name");
    }

    @Test
    void shouldRecordAConcurrentEditUnderSkipAndMoveNothing() {
        MergePolicy skip = new MergePolicy(MergePolicy.Kind.SKIP, true, List.of(), List.of("a", "b", "c"));
        Map<String, CanonicalValue> canonical = Map.of("display_name", new CanonicalValue("From B", "b", T1));
        MergeDecision d = Merger.decide(update("c", Map.of("display_name", "Base"), Map.of("display_name", "From C"), T2),
                false, canonical, SYNC, skip, java.util.Set.of());
        assertThat(d.conflicts()).containsExactly("display_name");
        assertThat(d.updates()).isEmpty();
        assertThat(d.propagate()).isEmpty();
        assertThat(d.repair()).isEmpty();
    }

    @Test
    void shouldLetTheRankedEnvironmentWinUnderPriority() {
        MergePolicy priority = new MergePolicy(MergePolicy.Kind.PRIORITY, false, List.of("c", "b"), List.of("a", "b", "c"));
        Map<String, CanonicalValue> canonical = Map.of("display_name", new CanonicalValue("From B", "b", T2));
        MergeDecision older = Merger.decide(update("c", Map.of("display_name", "Base"), Map.of("display_name", "From C"), T1),
                false, canonical, SYNC, priority, java.util.Set.of());
        assertThat(older.propagate()).containsExactly("display_name");
        MergeDecision weaker = Merger.decide(update("a", Map.of("display_name", "Base"), Map.of("display_name", "From A"), T2.plusSeconds(9)),
                false, canonical, SYNC, priority, java.util.Set.of());
        assertThat(weaker.repair()).containsExactly("display_name");
    }

    @Test
    void shouldLeaveHeldFieldsAlone() {
        MergeDecision d = Merger.decide(update("a", Map.of(), Map.of("display_name", "X", "email", "e@x"), T1),
                false, Map.of(), SYNC, MergePolicy.newerByField(List.of("a")), java.util.Set.of("display_name"));
        assertThat(d.propagate()).containsExactly("email");
    }

    @Test
    void shouldSendAnUnverifiedStateWithANewAddress() {
        List<String> sync = List.of("display_name", "email", "email_verified");
        Map<String, CanonicalValue> canonical = Map.of("email", new CanonicalValue("old@x", "b", T1),
                "email_verified", new CanonicalValue("true", "b", T1));
        MergeDecision d = Merger.decide(update("c", Map.of("email", "old@x"), Map.of("email", "new@x"), T2),
                false, canonical, sync, MergePolicy.newerByField(List.of("c")), java.util.Set.of());
        assertThat(d.propagate()).containsExactly("email", "email_verified");
        assertThat(d.updates().get("email_verified").value()).isEqualTo("false");
    }

    @Test
    void shouldIgnoreFieldsThatAreNotSynced() {
        MergeDecision d = Merger.decide(update("a", Map.of(), Map.of("password", "secret"), T1), false, Map.of(), SYNC);
        assertThat(d.isNoop()).isTrue();
    }
}
