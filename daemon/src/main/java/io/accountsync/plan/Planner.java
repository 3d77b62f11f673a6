package io.accountsync.plan;

import io.accountsync.merge.MergeDecision;
import io.accountsync.model.AccountChange;
import io.accountsync.model.Patch;
import io.accountsync.state.CanonicalValue;
import io.accountsync.state.StateDao;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a merge decision into patches for the environments that must change. */
public final class Planner {

    private Planner() {
    }

    /**
     * @param previous  the account's canonical values before the decision: what an environment in
     *                  line holds now, so each write only happens where that is still true
     * @param canonical the account's canonical values after the decision was applied
     * @param links     the account's local accounts by environment
     */
    public static List<Patch> plan(long globalId, AccountChange change, MergeDecision decision,
                                   Map<String, CanonicalValue> previous, Map<String, CanonicalValue> canonical,
                                   Map<String, StateDao.Link> links, Collection<Target> targets) {
        List<Patch> patches = new ArrayList<>();
        for (Target t : targets) {
            if (!t.writable()) {
                continue;
            }
            if (t.env().equals(change.env())) {
                Map<String, String> values = values(decision.repair(), t.fields(), canonical);
                StateDao.Link own = links.get(t.env());
                if (!values.isEmpty() && own != null) {
                    Map<String, String> holds = new LinkedHashMap<>();
                    values.keySet().forEach(f -> holds.put(f, change.after().get(f)));
                    patches.add(new Patch(t.env(), globalId, own.localKey(), own.username(), Patch.Kind.UPDATE, values, holds,
                            "repair: " + t.env() + " holds a value that is not the latest ("
                                    + describe(decision.repair(), canonical) + ")"));
                }
                continue;
            }
            if (decision.propagate().isEmpty()) {
                continue;
            }
            StateDao.Link link = links.get(t.env());
            String why = "changed in " + change.env() + " at " + change.commitTime() + " (later commit wins)";
            if (link != null) {
                Map<String, String> values = values(decision.propagate(), t.fields(), canonical);
                if (!values.isEmpty()) {
                    patches.add(new Patch(t.env(), globalId, link.localKey(), link.username(), Patch.Kind.UPDATE, values,
                            holds(values, previous), why));
                }
            } else if (t.createMissing()) {
                // Not linked may only mean that an earlier create's echo has not been captured yet: a row that
                // exists is believed to hold the previous values (empty for a new account) like any environment
                // in line, and is changed only where it still does, so an edit made there meanwhile is merged
                // once captured, never overwritten.
                Map<String, String> values = values(canonical.keySet(), t.fields(), canonical);
                patches.add(new Patch(t.env(), globalId, null, change.username(), Patch.Kind.CREATE, values,
                        createHolds(t, values, previous), "missing in " + t.env() + ": exists in " + change.env()));
            }
        }
        return patches;
    }

    /**
     * Patches that bring every writable environment to the account's canonical values: an update
     * of the fields a linked environment holds differently ({@code current}, or every field when its
     * values are unknown), a create where the account is missing and the environment creates
     * missing accounts. Held fields are left out.
     */
    public static List<Patch> planAll(long globalId, String username, Map<String, CanonicalValue> canonical,
                                      Set<String> held, Map<String, StateDao.Link> links,
                                      Map<String, Map<String, String>> current, Collection<Target> targets, String reason) {
        List<Patch> patches = new ArrayList<>();
        for (Target t : targets) {
            if (!t.writable()) {
                continue;
            }
            Map<String, String> wanted = new LinkedHashMap<>();
            for (Map.Entry<String, CanonicalValue> e : canonical.entrySet()) {
                if (t.fields().contains(e.getKey()) && !held.contains(e.getKey())) {
                    wanted.put(e.getKey(), e.getValue().value());
                }
            }
            StateDao.Link link = links.get(t.env());
            if (link != null) {
                Map<String, String> have = current.get(t.env());
                Map<String, String> diff = new LinkedHashMap<>();
                Map<String, String> holds = new LinkedHashMap<>();
                wanted.forEach((f, v) -> {
                    if (have == null || !have.containsKey(f) || !java.util.Objects.equals(have.get(f), v)) {
                        diff.put(f, v);
                        if (have != null && have.containsKey(f)) {
                            holds.put(f, have.get(f));
                        }
                    }
                });
                if (!diff.isEmpty()) {
                    patches.add(new Patch(t.env(), globalId, link.localKey(), link.username(), Patch.Kind.UPDATE, diff,
                            holds, reason));
                }
            } else if (t.createMissing() && !wanted.isEmpty()) {
                patches.add(new Patch(t.env(), globalId, null, username, Patch.Kind.CREATE, wanted,
                        createHolds(t, wanted, Map.of()), "missing in " + t.env() + "; " + reason));
            }
        }
        return patches;
    }

    /** Per field written, the value an environment in line holds now: the previous canonical one, where there was one. */
    private static Map<String, String> holds(Map<String, String> values, Map<String, CanonicalValue> previous) {
        Map<String, String> holds = new LinkedHashMap<>();
        values.keySet().forEach(f -> {
            if (previous.containsKey(f)) {
                holds.put(f, previous.get(f).value());
            }
        });
        return holds;
    }

    /**
     * What a create expects of a row that exists already under the username: in an environment accountsync reads,
     * the previous value of each field (empty where it had none); in one it never reads (role target), nothing, as
     * what accountsync writes there is all it holds.
     */
    private static Map<String, String> createHolds(Target t, Map<String, String> values,
                                                   Map<String, CanonicalValue> previous) {
        if (!t.read()) {
            return Map.of();
        }
        Map<String, String> holds = new LinkedHashMap<>();
        values.keySet().forEach(f -> holds.put(f, previous.containsKey(f) ? previous.get(f).value() : null));
        return holds;
    }

    private static Map<String, String> values(Collection<String> fields, Set<String> storable,
                                              Map<String, CanonicalValue> canonical) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String f : fields) {
            CanonicalValue v = canonical.get(f);
            if (v != null && storable.contains(f)) {
                out.put(f, v.value());
            }
        }
        return out;
    }

    private static String describe(Collection<String> fields, Map<String, CanonicalValue> canonical) {
        StringBuilder sb = new StringBuilder();
        for (String f : fields) {
            CanonicalValue v = canonical.get(f);
            if (v == null) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(f).append(" from ").append(v.sourceEnv()).append(" at ").append(v.sourceTime());
        }
        return sb.toString();
    }
}
