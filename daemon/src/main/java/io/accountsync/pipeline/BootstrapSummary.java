package io.accountsync.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a bootstrap did, per environment. */
public final class BootstrapSummary {

    /** Counters of one environment. */
    public static final class Counts {
        public long read;
        public long linked;
        public long created;
        public long updated;
        public long unchanged;
        public long conflicted;
        public long quarantined;
    }

    private final Map<String, Counts> byEnv = new LinkedHashMap<>();
    public long accounts;
    public long openConflicts;
    public long decidedConflicts;

    public Counts env(String env) {
        return byEnv.computeIfAbsent(env, e -> new Counts());
    }

    public Map<String, Counts> byEnv() {
        return byEnv;
    }

    /** Local accounts linked, in every environment. */
    public long linked() {
        return byEnv.values().stream().mapToLong(c -> c.linked).sum();
    }

    /** A fixed-width table, one line per environment. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-16s %10s %10s %10s %10s %10s %10s %11s%n", "environment", "read", "linked", "created",
                "updated", "unchanged", "conflicted", "quarantined"));
        byEnv.forEach((env, c) -> sb.append(String.format("%-16s %10d %10d %10d %10d %10d %10d %11d%n", env, c.read,
                c.linked, c.created, c.updated, c.unchanged, c.conflicted, c.quarantined)));
        sb.append(String.format("%d accounts; %d conflict(s) left open, %d decided by policy%n", accounts, openConflicts,
                decidedConflicts));
        return sb.toString();
    }
}
