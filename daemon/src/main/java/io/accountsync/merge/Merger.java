package io.accountsync.merge;

import io.accountsync.model.AccountChange;
import io.accountsync.state.CanonicalValue;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The streaming merge rule: per field, the later source commit wins.
 *
 * <ul>
 *   <li>A value equal to the canonical one changes nothing: this is where echoes and no-op
 *       rewrites die.</li>
 *   <li>An edited field (the before image differs, or an insert/snapshot) whose commit is not older
 *       than the canonical value's becomes canonical and goes to every other environment.</li>
 *   <li>An edited field older than the canonical value loses: its environment gets the canonical
 *       value back.</li>
 *   <li>An echo — a transaction accountsync wrote itself — never changes canonical state; if it shows
 *       a value that is no longer canonical (a later change overtook that write), the environment
 *       gets the canonical value again. This is what makes concurrent edits converge without
 *       ping-pong: every write is caused by a user edit or by a repair towards canonical state.</li>
 *   <li>A field the change carries but did not edit, and that differs from canonical, is stale in
 *       its environment: it gets the canonical value.</li>
 * </ul>
 * Ties (equal commit times, e.g. MariaDB's one-second binlog timestamps) go to the change processed
 * later, so the outcome is still one value everywhere.
 */
public final class Merger {

    private Merger() {
    }

    public static MergeDecision decide(AccountChange change, boolean echo, Map<String, CanonicalValue> canonical,
                                       Collection<String> syncFields) {
        Map<String, CanonicalValue> updates = new HashMap<>();
        Set<String> propagate = new LinkedHashSet<>();
        Set<String> repair = new LinkedHashSet<>();
        Set<String> unchanged = new LinkedHashSet<>();
        for (String field : syncFields) {
            if (!change.after().containsKey(field)) {
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
                updates.put(field, new CanonicalValue(value, change.env(), change.commitTime()));
                propagate.add(field);
            } else if (change.edits(field)) {
                if (!change.commitTime().isBefore(current.sourceTime())) {
                    updates.put(field, new CanonicalValue(value, change.env(), change.commitTime()));
                    propagate.add(field);
                } else {
                    repair.add(field);
                }
            } else {
                repair.add(field);
            }
        }
        return new MergeDecision(updates, propagate, repair, unchanged);
    }
}
