package io.accountsync.merge;

import java.util.List;

/**
 * How conflicts are decided.
 *
 * @param kind             skip (leave the account alone, record the conflict), newer (the later
 *                         activity or commit wins), priority (the environment ranked first wins)
 * @param wholeRecord      granularity {@code record}: one conflicting field holds back the whole
 *                         account; otherwise ({@code field}) only that field
 * @param priority         environments in order of precedence (for {@code priority}); environments
 *                         not listed rank after them, in configuration order
 * @param environmentOrder every environment in configuration order (the last tie-breaker)
 */
public record MergePolicy(Kind kind, boolean wholeRecord, List<String> priority, List<String> environmentOrder) {

    public enum Kind { SKIP, NEWER, PRIORITY }

    public MergePolicy {
        priority = priority == null ? List.of() : List.copyOf(priority);
        environmentOrder = List.copyOf(environmentOrder);
    }

    /** The default: later commit wins, field by field (the streaming rule of the first loop). */
    public static MergePolicy newerByField(List<String> envs) {
        return new MergePolicy(Kind.NEWER, false, List.of(), envs);
    }

    /** Lower is stronger. */
    public int rank(String env) {
        int i = priority.indexOf(env);
        if (i >= 0) {
            return i;
        }
        int j = environmentOrder.indexOf(env);
        return priority.size() + (j >= 0 ? j : environmentOrder.size());
    }

    public String describe() {
        return switch (kind) {
            case SKIP -> "skip";
            case NEWER -> "newer";
            case PRIORITY -> "priority " + priority;
        } + (wholeRecord ? ", record" : ", field");
    }
}
