package io.accountsync.merge;

import io.accountsync.model.AccountChange;
import io.accountsync.model.Fields;
import io.accountsync.state.CanonicalValue;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The streaming merge rule, per field.
 *
 * <ul>
 *   <li>A value equal to the canonical one changes nothing: this is where echoes and no-op
 *       rewrites die.</li>
 *   <li>An edit made on the canonical value (its before image equals it), an insert or a snapshot
 *       read of a field that has no canonical value yet, becomes canonical and goes to every other
 *       environment.</li>
 *   <li>An edit made on another base (the environment had not yet received the canonical value:
 *       two environments edited the same field concurrently) is a conflict, and the policy decides:
 *       {@code newer} — the later source commit wins; {@code priority} — the higher-ranked
 *       environment wins; {@code skip} — nothing moves, the conflict is recorded for an operator.
 *       The losing environment gets the canonical value back.</li>
 *   <li>An echo — a transaction accountsync wrote itself — never changes canonical state; if it
 *       shows a value that is no longer canonical (a later change overtook that write), the
 *       environment gets the canonical value again. Every write is thus caused by a user edit or
 *       by a repair towards canonical state, which is why nothing ping-pongs.</li>
 *   <li>A field the change carries but did not edit, and that differs from canonical, is stale in
 *       its environment: it gets the canonical value.</li>
 *   <li>So is a field that a full read (the catch-up of an environment that starts without capture
 *       offsets) shows with the value a patch waiting in the outbox expects to replace there (the
 *       environment has not received that write yet) or writes there. Read as an edit, with the
 *       account's last activity as its time, it would win under {@code newer} and take every
 *       environment back to the older value. Any other value is an edit made there, merged under
 *       the policy: the patch would not overwrite it either.</li>
 *   <li>{@code email_verified} travels with {@code email}: when the email moves, the verification
 *       of the environment it came from moves with it ({@code false} where that environment keeps
 *       none).</li>
 * </ul>
 * Fields held by an open conflict (all of the account's, with granularity {@code record}) are left
 * alone until an operator resolves it.
 */
public final class Merger {

    private Merger() {
    }

    public static MergeDecision decide(AccountChange change, boolean echo, Map<String, CanonicalValue> canonical,
                                       Collection<String> syncFields) {
        return decide(change, echo, canonical, syncFields,
                MergePolicy.newerByField(java.util.List.of(change.env())), Set.of());
    }

    /** {@link #decide(AccountChange, boolean, Map, Collection, MergePolicy, Set, Set)} with no patch in flight. */
    public static MergeDecision decide(AccountChange change, boolean echo, Map<String, CanonicalValue> canonical,
                                       Collection<String> syncFields, MergePolicy policy, Set<String> held) {
        return decide(change, echo, canonical, syncFields, policy, held, Set.of());
    }

    /**
     * @param held     fields held back by an open conflict of this account (all its fields when the
     *                 policy's granularity is record and a conflict is open)
     * @param ownValues fields a full read shows with a value that a patch waiting in the outbox for the
     *                  change's environment writes there, or expects to replace there: accountsync's
     *                  own value, or one the environment held before that write, not an edit (only
     *                  full reads are judged by it; a streamed change has a before image and a commit
     *                  time)
     */
    public static MergeDecision decide(AccountChange change, boolean echo, Map<String, CanonicalValue> canonical,
                                       Collection<String> syncFields, MergePolicy policy, Set<String> held,
                                       Set<String> ownValues) {
        Map<String, CanonicalValue> updates = new HashMap<>();
        Set<String> propagate = new LinkedHashSet<>();
        Set<String> repair = new LinkedHashSet<>();
        Set<String> unchanged = new LinkedHashSet<>();
        Set<String> conflicts = new LinkedHashSet<>();
        for (String field : syncFields) {
            if (!change.after().containsKey(field) || field.equals(Fields.EMAIL_VERIFIED) || held.contains(field)) {
                continue;
            }
            String value = change.after().get(field);
            CanonicalValue current = canonical.get(field);
            if (current != null && Objects.equals(current.value(), value)) {
                unchanged.add(field);
                continue;
            }
            if (echo) {
                if (current != null) {
                    repair.add(field);
                }
                continue;
            }
            if (current == null) {
                if (value != null || !change.snapshot()) {
                    updates.put(field, new CanonicalValue(value, change.env(), change.commitTime()));
                    propagate.add(field);
                }
                continue;
            }
            if (!change.edits(field) || (change.snapshot() && ownValues.contains(field))) {
                repair.add(field);
                continue;
            }
            boolean onCanonicalBase = !change.snapshot() && change.before().containsKey(field)
                    && Objects.equals(change.before().get(field), current.value());
            boolean wins;
            if (onCanonicalBase) {
                wins = true;
            } else {
                switch (policy.kind()) {
                    case NEWER -> wins = !change.commitTime().isBefore(current.sourceTime());
                    case PRIORITY -> wins = current.sourceEnv().equals(change.env())
                            ? !change.commitTime().isBefore(current.sourceTime())
                            : policy.rank(change.env()) < policy.rank(current.sourceEnv());
                    case SKIP -> {
                        if (current.sourceEnv().equals(change.env())) {
                            wins = !change.commitTime().isBefore(current.sourceTime());
                        } else {
                            conflicts.add(field);
                            continue;
                        }
                    }
                    default -> throw new IllegalStateException(policy.kind().name());
                }
            }
            if (wins) {
                updates.put(field, new CanonicalValue(value, change.env(), change.commitTime()));
                propagate.add(field);
            } else {
                repair.add(field);
            }
        }
        verificationTravelsWithEmail(change, echo, canonical, syncFields, held, updates, propagate, repair, unchanged);
        return new MergeDecision(updates, propagate, repair, unchanged, conflicts);
    }

    private static void verificationTravelsWithEmail(AccountChange change, boolean echo,
                                                     Map<String, CanonicalValue> canonical, Collection<String> syncFields,
                                                     Set<String> held, Map<String, CanonicalValue> updates,
                                                     Set<String> propagate, Set<String> repair, Set<String> unchanged) {
        if (!syncFields.contains(Fields.EMAIL_VERIFIED) || held.contains(Fields.EMAIL)) {
            return;
        }
        CanonicalValue current = canonical.get(Fields.EMAIL_VERIFIED);
        String mine = change.after().containsKey(Fields.EMAIL_VERIFIED) ? change.after().get(Fields.EMAIL_VERIFIED) : null;
        if (propagate.contains(Fields.EMAIL)) {
            // A new address carries its own verification state: unverified unless its environment says so.
            String value = "true".equals(mine) ? "true" : "false";
            updates.put(Fields.EMAIL_VERIFIED, new CanonicalValue(value, change.env(), change.commitTime()));
            propagate.add(Fields.EMAIL_VERIFIED);
            return;
        }
        if (mine == null || !change.after().containsKey(Fields.EMAIL_VERIFIED)) {
            return;
        }
        if (current != null && current.value().equals(mine)) {
            unchanged.add(Fields.EMAIL_VERIFIED);
            return;
        }
        CanonicalValue email = canonical.get(Fields.EMAIL);
        boolean sameAddress = email != null && Objects.equals(email.value(), change.after().get(Fields.EMAIL));
        if (echo || !sameAddress || repair.contains(Fields.EMAIL)) {
            if (current != null) {
                repair.add(Fields.EMAIL_VERIFIED);
            }
            return;
        }
        if (change.edits(Fields.EMAIL_VERIFIED) || current == null) {
            updates.put(Fields.EMAIL_VERIFIED, new CanonicalValue(mine, change.env(), change.commitTime()));
            propagate.add(Fields.EMAIL_VERIFIED);
        } else {
            repair.add(Fields.EMAIL_VERIFIED);
        }
    }
}
