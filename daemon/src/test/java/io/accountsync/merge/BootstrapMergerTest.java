package io.accountsync.merge;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.state.CanonicalValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BootstrapMergerTest {
    private static final Instant T1 = Instant.parse("2026-01-10T10:00:00Z");
    private static final Instant T2 = T1.plusSeconds(86_400);
    private static final List<String> ENVS = List.of("a", "b", "c");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "a", Set.of("display_name", "email", "email_verified"),
            "b", Set.of("display_name", "email", "email_verified"),
            "c", Set.of("display_name", "email"));

    private static BootstrapMerger.Local local(String env, String name, String email, Instant at) {
        return new BootstrapMerger.Local(env, env + "1", "tom", Map.of("display_name", name, "email", email), at);
    }

    private static final List<BootstrapMerger.Local> TOM = List.of(
            local("a", "Tom Sawyer", "tom@example.org", T1), local("b", "Tommy", "tom@example.org", T2));

    private static MergePolicy policy(MergePolicy.Kind kind, boolean record, List<String> priority) {
        return new MergePolicy(kind, record, priority, ENVS);
    }

    @Test
    void shouldHoldTheWholeAccountUnderSkipAndRecord() {
        BootstrapMerger.Outcome o = BootstrapMerger.decide(TOM, policy(MergePolicy.Kind.SKIP, true, List.of()), FIELDS);
        assertThat(o.conflicted()).containsExactly("display_name");
        assertThat(o.heldAccount()).isTrue();
        assertThat(o.candidates()).containsEntry("a", Map.of("display_name", "Tom Sawyer"))
                .containsEntry("b", Map.of("display_name", "Tommy"));
        assertThat(o.canonical()).containsOnlyKeys("email", "email_verified");
    }

    @Test
    void shouldHoldOnlyTheConflictingFieldUnderSkipAndField() {
        BootstrapMerger.Outcome o = BootstrapMerger.decide(TOM, policy(MergePolicy.Kind.SKIP, false, List.of()), FIELDS);
        assertThat(o.heldAccount()).isFalse();
        assertThat(o.held()).containsExactly("display_name");
        assertThat(o.canonical().get("email").value()).isEqualTo("tom@example.org");
    }

    @Test
    void shouldTakeTheLaterActivityUnderNewer() {
        BootstrapMerger.Outcome o = BootstrapMerger.decide(TOM, policy(MergePolicy.Kind.NEWER, true, List.of()), FIELDS);
        assertThat(o.canonical().get("display_name")).isEqualTo(new CanonicalValue("Tommy", "b", T2));
        assertThat(o.conflicted()).isEmpty();
        assertThat(o.decided()).containsExactly("display_name: b by policy newer");
    }

    @Test
    void shouldTakeThePriorityOrderUnderPriority() {
        assertThat(BootstrapMerger.decide(TOM, policy(MergePolicy.Kind.PRIORITY, true, List.of("b", "a")), FIELDS)
                .canonical().get("display_name").value()).isEqualTo("Tommy");
        assertThat(BootstrapMerger.decide(TOM, policy(MergePolicy.Kind.PRIORITY, true, List.of("a", "b")), FIELDS)
                .canonical().get("display_name").value()).isEqualTo("Tom Sawyer");
        // Environments not listed rank after the listed ones, in configuration order.
        assertThat(BootstrapMerger.decide(TOM, policy(MergePolicy.Kind.PRIORITY, true, List.of("c")), FIELDS)
                .canonical().get("display_name").value()).isEqualTo("Tom Sawyer");
    }

    @Test
    void shouldNotLetAnEmptyValueConflictWithAValue() {
        List<BootstrapMerger.Local> locals = List.of(local("a", "", "tom@example.org", T1), local("b", "Tommy", "tom@example.org", T2));
        BootstrapMerger.Outcome o = BootstrapMerger.decide(locals, policy(MergePolicy.Kind.SKIP, true, List.of()), FIELDS);
        assertThat(o.conflicted()).isEmpty();
        assertThat(o.canonical().get("display_name").value()).isEqualTo("Tommy");
    }

    @Test
    void shouldCallTheAddressVerifiedWhenAnyEnvironmentHoldingItVerified() {
        List<BootstrapMerger.Local> locals = List.of(
                new BootstrapMerger.Local("a", "1", "tom", Map.of("email", "t@x", "email_verified", "false"), T1),
                new BootstrapMerger.Local("b", "2", "tom", Map.of("email", "t@x", "email_verified", "true"), T1));
        assertThat(BootstrapMerger.decide(locals, policy(MergePolicy.Kind.SKIP, true, List.of()), FIELDS)
                .canonical().get("email_verified").value()).isEqualTo("true");
        List<BootstrapMerger.Local> other = List.of(
                new BootstrapMerger.Local("a", "1", "tom", Map.of("email", "new@x", "email_verified", "false"), T2),
                new BootstrapMerger.Local("b", "2", "tom", Map.of("email", "t@x", "email_verified", "true"), T1));
        // The newer address wins; its environment had not verified it.
        assertThat(BootstrapMerger.decide(other, policy(MergePolicy.Kind.NEWER, true, List.of()), FIELDS)
                .canonical().get("email_verified").value()).isEqualTo("false");
    }

    @Test
    void shouldReportTwoLocalAccountsOfOneEnvironmentAsAnIdentityConflict() {
        List<BootstrapMerger.Local> locals = List.of(
                new BootstrapMerger.Local("a", "1", "Tom", Map.of("email", "t@x"), T1),
                new BootstrapMerger.Local("a", "2", "tom", Map.of("email", "t@x"), T1));
        BootstrapMerger.Outcome o = BootstrapMerger.decide(locals, policy(MergePolicy.Kind.NEWER, false, List.of()), FIELDS);
        assertThat(o.identity()).contains("local accounts 1 (Tom) and 2 (tom) of environment a");
        assertThat(o.heldAccount()).isTrue();
    }
}
