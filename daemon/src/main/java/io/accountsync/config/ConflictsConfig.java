package io.accountsync.config;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How conflicting values of one account in different environments are resolved.
 *
 * @param policy      skip, newer or priority
 * @param granularity whether a conflict holds back the whole account or only its field
 * @param priority    with {@link ConflictPolicy#PRIORITY}: environment names, first wins; empty
 *                    with any other policy
 */
public record ConflictsConfig(ConflictPolicy policy, Granularity granularity, List<String> priority) {

    /** The defaults: skip, per record, no priority list. */
    public static final ConflictsConfig DEFAULT = new ConflictsConfig(ConflictPolicy.SKIP, Granularity.RECORD, List.of());

    public ConflictsConfig {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(granularity, "granularity");
        priority = priority == null ? List.of() : List.copyOf(priority);
        if (policy == ConflictPolicy.PRIORITY && priority.isEmpty()) {
            throw new IllegalArgumentException("policy priority needs a non-empty priority list");
        }
        if (policy != ConflictPolicy.PRIORITY && !priority.isEmpty()) {
            throw new IllegalArgumentException("a priority list is only used with policy priority");
        }
        Set<String> seen = new HashSet<>();
        for (String name : priority) {
            if (!seen.add(name)) {
                throw new IllegalArgumentException("environment '" + name + "' is listed twice in the priority list");
            }
        }
    }
}
