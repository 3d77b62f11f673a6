package io.accountsync.status;

import io.accountsync.config.AccountsyncConfig;
import io.accountsync.config.EnvironmentConfig;
import io.accountsync.capture.ErrorMessages;
import io.accountsync.capture.LogSecrets;
import io.accountsync.metrics.Metrics;
import io.accountsync.state.StateStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Puts a {@link DaemonStatus} together: the daemon's live view of each environment, the metrics
 * (capture lag, apply lag percentiles, error counters) and the state store (positions, outbox,
 * quarantine, conflicts). A state store that cannot be read leaves its fields empty and says why.
 */
public final class StatusCollector implements AutoCloseable {
    private final Metrics metrics;
    private final Clock clock;
    private final ApplyLagWindow lagWindow;

    public StatusCollector(Metrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
        this.lagWindow = new ApplyLagWindow(metrics.registry(), clock);
    }

    /** Starts sampling the apply lag histogram, so that percentiles cover the last minutes. */
    public StatusCollector start() {
        lagWindow.start();
        return this;
    }

    /**
     * The status of a running daemon.
     *
     * @param store the daemon's state store, or null while it is not open
     */
    public DaemonStatus collect(String daemonState, Instant startedAt, boolean dryRun, boolean ready,
                                List<EnvLiveState> envs, StateStore store) {
        Instant now = millis(clock.instant());
        StoreFacts facts = null;
        String storeError = null;
        if (store == null) {
            storeError = "the state store is not open yet";
        } else {
            try (Connection c = store.connect()) {
                facts = StoreFacts.read(c);
                c.commit();
            } catch (Exception e) {
                storeError = LogSecrets.redact(ErrorMessages.safe(e));
            }
        }
        MeterRegistry r = metrics.registry();
        List<EnvStatus> out = new ArrayList<>();
        for (EnvLiveState e : envs) {
            StoreFacts.EnvRow row = facts == null ? null : facts.envs().get(e.name());
            StoreFacts.Pending pending = facts == null ? null : facts.pending().get(e.name());
            boolean writes = e.applyHealthy() != null;
            ApplyLagWindow.Percentiles p = writes ? lagWindow.percentiles(e.name()) : ApplyLagWindow.Percentiles.NONE;
            Gauge lag = r.find(Metrics.CAPTURE_LAG).tag("env", e.name()).gauge();
            out.add(new EnvStatus(e.name(), e.dialect(), e.role(),
                    e.engineState() != null ? e.captureUp() : e.applyHealthy(),
                    e.engineState(),
                    row == null ? null : row.lastPosition(),
                    row == null ? null : row.lastCommitTime(),
                    row == null ? null : row.lastEventAt(),
                    row == null ? (facts == null ? null : 0L) : Long.valueOf(row.events()),
                    lag == null ? null : seconds(lag.value()),
                    seconds(p.p50()), seconds(p.p99()),
                    !writes || facts == null ? null : pending == null ? 0L : pending.depth(),
                    !writes || facts == null ? null : pending == null ? 0.0 : age(pending.oldestCreatedAt(), now),
                    e.applyHealthy(),
                    writes ? count(r, Metrics.APPLY_ERRORS, e.name()) : null,
                    e.engineState() != null ? count(r, Metrics.ENGINE_FAILURES, e.name()) : null,
                    facts == null ? null : facts.quarantined().getOrDefault(e.name(), 0L),
                    e.lastError(), millis(e.lastErrorAt())));
        }
        return new DaemonStatus(DaemonStatus.FROM_DAEMON, now, daemonState, millis(startedAt), dryRun, ready,
                facts == null ? null : facts.openConflicts(), storeError, out);
    }

    /** The status when no daemon runs: what the state store says (positions, outbox, quarantine, conflicts). */
    public static DaemonStatus fromStore(AccountsyncConfig config, StoreFacts facts, String storeError, Instant now) {
        List<EnvStatus> out = new ArrayList<>();
        for (EnvironmentConfig e : config.environments().values()) {
            if (!e.enabled()) {
                continue;
            }
            StoreFacts.EnvRow row = facts == null ? null : facts.envs().get(e.name());
            StoreFacts.Pending pending = facts == null ? null : facts.pending().get(e.name());
            boolean writes = e.writes();
            out.add(new EnvStatus(e.name(), e.dialect().configName(), e.role().name().toLowerCase(Locale.ROOT),
                    null, null,
                    row == null ? null : row.lastPosition(),
                    row == null ? null : row.lastCommitTime(),
                    row == null ? null : row.lastEventAt(),
                    row == null ? (facts == null ? null : 0L) : Long.valueOf(row.events()),
                    row == null || row.lastCommitTime() == null || row.lastEventAt() == null ? null
                            : age(row.lastCommitTime(), row.lastEventAt()),
                    null, null,
                    !writes || facts == null ? null : pending == null ? 0L : pending.depth(),
                    !writes || facts == null ? null : pending == null ? 0.0 : age(pending.oldestCreatedAt(), now),
                    null, null, null,
                    facts == null ? null : facts.quarantined().getOrDefault(e.name(), 0L),
                    null, null));
        }
        return new DaemonStatus(DaemonStatus.FROM_STATE_STORE, millis(now), DaemonStatus.NOT_RUNNING, null, config.dryRun(),
                false, facts == null ? null : facts.openConflicts(), storeError, out);
    }

    private static Instant millis(Instant t) {
        return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    private static double age(Instant since, Instant now) {
        if (since == null) {
            return 0.0;
        }
        return Math.max(0, Duration.between(since, now).toMillis()) / 1000.0;
    }

    /** Seconds to the millisecond: more digits say nothing about a lag. */
    private static Double seconds(Double s) {
        return s == null || s.isNaN() ? null : Math.round(s * 1000) / 1000.0;
    }

    private static Long count(MeterRegistry r, String name, String env) {
        Counter c = r.find(name).tag("env", env).counter();
        return c == null ? 0L : (long) c.count();
    }

    @Override
    public void close() {
        lagWindow.close();
    }
}
