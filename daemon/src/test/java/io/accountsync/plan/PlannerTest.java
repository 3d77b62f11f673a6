package io.accountsync.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.merge.MergePolicy;
import io.accountsync.merge.Merger;
import io.accountsync.model.AccountChange;
import io.accountsync.model.Patch;
import io.accountsync.state.CanonicalValue;
import io.accountsync.state.StateDao;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static final Instant BASE = Instant.parse("2026-01-10T10:00:00Z");
    private static final Instant EDIT = Instant.parse("2026-11-21T23:00:00Z");
    private static final Set<String> FIELDS = Set.of("display_name", "email");
    private static final List<Target> TARGETS = List.of(new Target("a", true, true, true, FIELDS),
            new Target("b", true, true, true, FIELDS), new Target("c", true, true, true, FIELDS));

    /** b renames Ann, whose account a holds and accountsync has created in c (its echo not captured yet). */
    private static List<Patch> renameInB(Map<String, StateDao.Link> links) {
        return renameInB(links, TARGETS);
    }

    private static List<Patch> renameInB(Map<String, StateDao.Link> links, List<Target> targets) {
        Map<String, CanonicalValue> previous = Map.of("display_name", new CanonicalValue("Ann", "a", BASE),
                "email", new CanonicalValue("ann@example.org", "a", BASE));
        AccountChange change = new AccountChange("b", "1", "ann", AccountChange.Kind.UPSERT, false,
                Map.of("display_name", "Ann", "email", "ann@example.org"),
                Map.of("display_name", "Ann from B", "email", "ann@example.org"), EDIT, "lsn=9", "77");
        var decision = Merger.decide(change, false, previous, FIELDS, MergePolicy.newerByField(List.of("b")), Set.of());
        Map<String, CanonicalValue> after = new HashMap<>(previous);
        after.putAll(decision.updates());
        return Planner.plan(1, change, decision, previous, after, links, targets);
    }

    @Test
    void shouldWriteALinkedEnvironmentOnlyWhereItStillHoldsThePreviousValue() {
        List<Patch> patches = renameInB(Map.of("a", new StateDao.Link(1, "a", "1", "ann"),
                "b", new StateDao.Link(1, "b", "1", "ann"), "c", new StateDao.Link(1, "c", "5", "ann")));
        assertThat(patches).extracting(Patch::env).containsExactly("a", "c");
        assertThat(patches).allSatisfy(p -> {
            assertThat(p.kind()).isEqualTo(Patch.Kind.UPDATE);
            assertThat(p.values()).containsExactly(Map.entry("display_name", "Ann from B"));
            assertThat(p.expected()).containsExactly(Map.entry("display_name", "Ann"));
        });
    }

    @Test
    void shouldCreateWhereNotLinkedYetButExpectThePreviousValuesWhereTheRowAlreadyExists() {
        // c not linked: accountsync's create there may be written but its echo not captured yet, and c's user
        // may have edited it meanwhile. The create carries what c is believed to hold, so an existing row is
        // changed only where it still holds that.
        List<Patch> patches = renameInB(Map.of("a", new StateDao.Link(1, "a", "1", "ann"),
                "b", new StateDao.Link(1, "b", "1", "ann")));
        assertThat(patches).extracting(Patch::env).containsExactly("a", "c");
        Patch create = patches.get(1);
        assertThat(create.kind()).isEqualTo(Patch.Kind.CREATE);
        assertThat(create.values()).containsEntry("display_name", "Ann from B").containsEntry("email", "ann@example.org");
        assertThat(create.expected()).containsOnly(Map.entry("display_name", "Ann"), Map.entry("email", "ann@example.org"));
    }

    @Test
    void shouldExpectNothingOfATargetItNeverReads() {
        // A role-target environment is never read, so never linked: it holds what accountsync writes.
        List<Target> targets = List.of(TARGETS.get(0), TARGETS.get(1), new Target("c", true, true, false, FIELDS));
        List<Patch> patches = renameInB(Map.of("a", new StateDao.Link(1, "a", "1", "ann"),
                "b", new StateDao.Link(1, "b", "1", "ann")), targets);
        assertThat(patches.get(1).kind()).isEqualTo(Patch.Kind.CREATE);
        assertThat(patches.get(1).expected()).isEmpty();
    }

    @Test
    void shouldExpectAnAbsentAccountWhenBootstrapCreatesIt() {
        Map<String, CanonicalValue> canonical = Map.of("display_name", new CanonicalValue("Ann", "a", BASE));
        List<Patch> patches = Planner.planAll(1, "ann", canonical, Set.of(), Map.of("a", new StateDao.Link(1, "a", "1", "ann")),
                Map.of("a", Map.of("display_name", "Ann")), TARGETS, "bootstrap");
        assertThat(patches).extracting(Patch::env).containsExactly("b", "c");
        assertThat(patches).allSatisfy(p -> {
            assertThat(p.kind()).isEqualTo(Patch.Kind.CREATE);
            assertThat(p.expected()).containsOnlyKeys("display_name").containsEntry("display_name", null);
        });
    }
}
