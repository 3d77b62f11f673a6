package io.accountsync.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How big each part of the bench is.
 *
 * @param ceilingEvents      single-row updates in the capture-ceiling backlog, per database
 * @param streamAccounts     accounts per environment of the streaming farm
 * @param burstChanges       changes in the throughput burst
 * @param latencyRate        offered changes per second in the latency run
 * @param latencySeconds     length of the latency run
 * @param appsAccounts       people in the Trac/MediaWiki/Moodle farm (0: skip that run)
 * @param appsBurst          changes in that farm's burst
 * @param bootstrapAccounts  accounts per environment for the bootstrap and the naive baseline
 */
record Sizes(int ceilingEvents, int streamAccounts, int burstChanges, int latencyRate, int latencySeconds,
             int appsAccounts, int appsBurst, int bootstrapAccounts) {

    static Sizes shortRun() {
        return new Sizes(20_000, 3_000, 2_000, 200, 5, 300, 300, 10_000);
    }

    static Sizes full() {
        return new Sizes(100_000, 30_000, 30_000, 1_000, 30, 3_000, 3_000, 1_000_000);
    }

    Sizes {
        if (streamAccounts < burstChanges || streamAccounts < latencyRate * latencySeconds) {
            throw new IllegalArgumentException("streamAccounts must cover the burst and the latency run");
        }
        if (appsBurst > appsAccounts) {
            throw new IllegalArgumentException("appsBurst must not exceed appsAccounts");
        }
    }

    /** A copy with {@code key=value} overrides (keys as in {@link #json()}). */
    Sizes with(Map<String, Integer> o) {
        return new Sizes(o.getOrDefault("ceiling_events", ceilingEvents),
                o.getOrDefault("stream_accounts", streamAccounts), o.getOrDefault("burst_changes", burstChanges),
                o.getOrDefault("latency_rate", latencyRate), o.getOrDefault("latency_seconds", latencySeconds),
                o.getOrDefault("apps_accounts", appsAccounts), o.getOrDefault("apps_burst", appsBurst),
                o.getOrDefault("bootstrap_accounts", bootstrapAccounts));
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ceiling_events", ceilingEvents);
        m.put("stream_accounts", streamAccounts);
        m.put("burst_changes", burstChanges);
        m.put("latency_rate", latencyRate);
        m.put("latency_seconds", latencySeconds);
        m.put("apps_accounts", appsAccounts);
        m.put("apps_burst", appsBurst);
        m.put("bootstrap_accounts", bootstrapAccounts);
        return m;
    }
}
