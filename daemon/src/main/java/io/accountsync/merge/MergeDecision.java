package io.accountsync.merge;

import io.accountsync.state.CanonicalValue;
import java.util.Map;
import java.util.Set;

/**
 * What one change does to one canonical account.
 *
 * @param updates    fields whose canonical value changes (to be stored)
 * @param propagate  fields whose new canonical value goes to every other environment
 * @param repair     fields the change's own environment must get back (it holds a stale or losing value)
 * @param unchanged  fields the change carried that were already canonical (echoes die here)
 * @param conflicts  fields edited concurrently that the policy (skip) leaves for an operator
 */
public record MergeDecision(Map<String, CanonicalValue> updates, Set<String> propagate, Set<String> repair,
                            Set<String> unchanged, Set<String> conflicts) {

    public boolean isNoop() {
        return updates.isEmpty() && propagate.isEmpty() && repair.isEmpty() && conflicts.isEmpty();
    }
}
