package io.accountsync.merge;

import io.accountsync.model.Fields;
import io.accountsync.state.CanonicalValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The bootstrap rule: all local accounts of one person, read from every environment, become one
 * canonical account. Where environments hold different values of a field (no common history is
 * known at bootstrap) that is a conflict, decided by the policy: {@code newer} — the environment
 * where the user was active last (the profile's last-activity column); {@code priority} — the
 * environment ranked first; {@code skip} — nobody, the conflict goes to the inbox. An empty value
 * never conflicts with a value. The email's verification is true when any environment holding the
 * chosen address has it verified.
 */
public final class BootstrapMerger {

    private BootstrapMerger() {
    }

    /** One local account as read. */
    public record Local(String env, String localKey, String username, Map<String, String> values, Instant lastActivity) {
        public Instant activity() {
            return lastActivity == null ? Instant.EPOCH : lastActivity;
        }
    }

    /**
     * @param canonical      the decided values
     * @param conflicted     fields left undecided (policy skip)
     * @param held           fields not to write (conflicted, or every field when the account is held)
     * @param heldAccount    nothing of this account is written anywhere
     * @param identity       why local accounts cannot be linked (two in one environment), or null
     * @param candidates     per environment, the values of the conflicting fields
     * @param decided        how the policy decided conflicts (for the audit log), empty when none
     */
    public record Outcome(Map<String, CanonicalValue> canonical, Set<String> conflicted, Set<String> held,
                          boolean heldAccount, String identity, Map<String, Map<String, String>> candidates,
                          List<String> decided) {
    }

    public static Outcome decide(List<Local> locals, MergePolicy policy, Map<String, Set<String>> envFields) {
        Map<String, Map<String, String>> candidates = new LinkedHashMap<>();
        Map<String, Local> byEnv = new LinkedHashMap<>();
        for (Local l : locals) {
            Local other = byEnv.putIfAbsent(l.env(), l);
            if (other != null) {
                String why = "local accounts " + other.localKey() + " (" + other.username() + ") and " + l.localKey()
                        + " (" + l.username() + ") of environment " + l.env() + " are one person by username";
                locals.stream().filter(x -> x.env().equals(l.env()))
                        .forEach(x -> candidates.computeIfAbsent(l.env() + "#" + x.localKey(), k -> new LinkedHashMap<>())
                                .put(Fields.USERNAME, x.username()));
                return new Outcome(Map.of(), Set.of(), Set.of("*"), true, why, candidates, List.of());
            }
        }
        Set<String> fields = new LinkedHashSet<>();
        for (Local l : locals) {
            fields.addAll(envFields.getOrDefault(l.env(), Set.of()));
        }
        fields.remove(Fields.EMAIL_VERIFIED);
        Map<String, CanonicalValue> canonical = new LinkedHashMap<>();
        Set<String> conflicted = new LinkedHashSet<>();
        List<String> decided = new ArrayList<>();
        for (String f : fields) {
            List<Local> holders = new ArrayList<>();
            for (Local l : locals) {
                if (envFields.getOrDefault(l.env(), Set.of()).contains(f)) {
                    String v = l.values().get(f);
                    if (v != null && !v.isEmpty()) {
                        holders.add(l);
                    }
                }
            }
            if (holders.isEmpty()) {
                continue;
            }
            Set<String> distinct = new LinkedHashSet<>();
            holders.forEach(l -> distinct.add(l.values().get(f)));
            Local winner;
            if (distinct.size() == 1) {
                winner = holders.stream().max(Comparator.comparing(Local::activity)).orElseThrow();
            } else {
                holders.forEach(l -> candidates.computeIfAbsent(l.env(), k -> new LinkedHashMap<>()).put(f, l.values().get(f)));
                winner = switch (policy.kind()) {
                    case NEWER -> holders.stream().max(Comparator.comparing(Local::activity)
                            .thenComparing(l -> -policy.rank(l.env()))).orElseThrow();
                    case PRIORITY -> holders.stream().min(Comparator.comparing(l -> policy.rank(l.env()))).orElseThrow();
                    case SKIP -> null;
                };
                if (winner == null) {
                    conflicted.add(f);
                    continue;
                }
                decided.add(f + ": " + winner.env() + " by policy " + policy.kind().name().toLowerCase(java.util.Locale.ROOT));
            }
            canonical.put(f, new CanonicalValue(winner.values().get(f), winner.env(), winner.activity()));
        }
        verification(locals, envFields, canonical, conflicted);
        boolean heldAccount = !conflicted.isEmpty() && policy.wholeRecord();
        Set<String> held = new LinkedHashSet<>(conflicted);
        if (conflicted.contains(Fields.EMAIL)) {
            held.add(Fields.EMAIL_VERIFIED);
        }
        if (heldAccount) {
            held.add("*");
        }
        return new Outcome(canonical, conflicted, held, heldAccount, null, candidates, decided);
    }

    private static void verification(List<Local> locals, Map<String, Set<String>> envFields,
                                     Map<String, CanonicalValue> canonical, Set<String> conflicted) {
        boolean anyMaps = locals.stream().anyMatch(l -> envFields.getOrDefault(l.env(), Set.of()).contains(Fields.EMAIL_VERIFIED));
        CanonicalValue email = canonical.get(Fields.EMAIL);
        if (!anyMaps || email == null || conflicted.contains(Fields.EMAIL)) {
            return;
        }
        Local verifiedBy = null;
        for (Local l : locals) {
            if (envFields.getOrDefault(l.env(), Set.of()).contains(Fields.EMAIL_VERIFIED)
                    && Objects.equals(l.values().get(Fields.EMAIL), email.value())
                    && "true".equals(l.values().get(Fields.EMAIL_VERIFIED))) {
                verifiedBy = l;
                break;
            }
        }
        canonical.put(Fields.EMAIL_VERIFIED, verifiedBy != null
                ? new CanonicalValue("true", verifiedBy.env(), verifiedBy.activity())
                : new CanonicalValue("false", email.sourceEnv(), email.sourceTime()));
    }

    /** Convenience for tests and callers: fields per environment from a list. */
    public static Map<String, Set<String>> fieldsOf(Map<String, ? extends java.util.Collection<String>> m) {
        Map<String, Set<String>> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, new LinkedHashSet<>(v)));
        return out;
    }
}
