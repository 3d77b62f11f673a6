package io.accountsync.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Owns every metric name and label. Labels are {@code env} (and {@code op}); never a per-account
 * label. Stages call the {@code record*} methods; nothing else registers meters.
 */
public final class Metrics {
    public static final String EVENTS = "accountsync_events";                 // _total
    public static final String ECHOES = "accountsync_echoes_suppressed";      // _total
    public static final String APPLY_STATEMENTS = "accountsync_apply_statements"; // _total
    public static final String APPLY_ROWS = "accountsync_apply_rows";         // _total
    public static final String APPLY_ERRORS = "accountsync_apply_errors";     // _total
    public static final String QUARANTINED = "accountsync_quarantined";       // _total
    public static final String CONFLICTS = "accountsync_conflicts";           // _total
    public static final String APPLY_LAG = "accountsync_apply_lag";           // _seconds
    public static final String CAPTURE_LAG = "accountsync_capture_lag_seconds";
    public static final String QUEUE_DEPTH = "accountsync_queue_depth";
    public static final String OLDEST_PENDING = "accountsync_oldest_pending_seconds";
    public static final String ENV_UP = "accountsync_env_up";
    public static final String ENGINE_STATE = "accountsync_engine_state";
    public static final String ENGINE_FAILURES = "accountsync_engine_failures"; // _total
    public static final String BOOTSTRAP_READ = "accountsync_bootstrap_read_accounts"; // _total
    public static final String BOOTSTRAP_MERGED = "accountsync_bootstrap_merged_accounts"; // _total
    public static final String BOOTSTRAP_RUNNING = "accountsync_bootstrap_running";
    public static final String LAST_EVENT = "accountsync_last_event_timestamp_seconds";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicLong> captureLagMillis = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> up = new ConcurrentHashMap<>();

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    /**
     * Creates an environment's counters at zero, so that alert rules with increase() see the first
     * event of each (a counter that appears at 1 has no increase).
     */
    public void registerEnvironment(String env) {
        for (String name : new String[] {ECHOES, APPLY_ERRORS, QUARANTINED, CONFLICTS, ENGINE_FAILURES}) {
            Counter.builder(name).tag("env", env).register(registry);
        }
    }

    public void recordEvents(String env, String op, int count) {
        Counter.builder(EVENTS).description("Account changes captured").tag("env", env).tag("op", op)
                .register(registry).increment(count);
    }

    public void recordEcho(String env) {
        Counter.builder(ECHOES).description("Changes recognised as accountsync's own writes").tag("env", env)
                .register(registry).increment();
    }

    public void recordApplied(String env, int statements, int rows) {
        Counter.builder(APPLY_STATEMENTS).description("Statements executed (or rendered, in dry-run) per target")
                .tag("env", env).register(registry).increment(statements);
        Counter.builder(APPLY_ROWS).description("Rows changed per target").tag("env", env)
                .register(registry).increment(rows);
    }

    public void recordApplyLag(String env, Duration lag) {
        Timer.builder(APPLY_LAG).description("Source commit until committed in the target").tag("env", env)
                .publishPercentileHistogram().register(registry).record(lag.isNegative() ? Duration.ZERO : lag);
    }

    public void recordApplyError(String env) {
        Counter.builder(APPLY_ERRORS).description("Failed apply attempts").tag("env", env).register(registry).increment();
    }

    public void recordQuarantined(String env) {
        Counter.builder(QUARANTINED).description("Events or values quarantined").tag("env", env)
                .register(registry).increment();
    }

    public void recordConflict(String env) {
        Counter.builder(CONFLICTS).description("Conflicts recorded").tag("env", env).register(registry).increment();
    }

    public void recordCaptureLag(String env, Duration lag) {
        captureLagMillis.computeIfAbsent(env, e -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder(CAPTURE_LAG, v, a -> a.get() / 1000.0)
                    .description("Now minus the source commit time of the last event seen").tag("env", env)
                    .register(registry);
            return v;
        }).set(Math.max(0, lag.toMillis()));
    }

    private final Map<String, Map<String, AtomicLong>> engineState = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastEvent = new ConcurrentHashMap<>();
    private final AtomicLong bootstrapRunning = new AtomicLong();

    /** One series per state with value 1 for the current one (the usual Prometheus enum pattern). */
    public void recordEngineState(String env, String state, java.util.Collection<String> allStates) {
        Map<String, AtomicLong> byState = engineState.computeIfAbsent(env, e -> {
            Map<String, AtomicLong> m = new ConcurrentHashMap<>();
            for (String s : allStates) {
                AtomicLong v = new AtomicLong();
                Gauge.builder(ENGINE_STATE, v, AtomicLong::get)
                        .description("1 for the capture engine's current state (HALTED: log position gone, re-bootstrap)")
                        .tag("env", env).tag("state", s).register(registry);
                m.put(s, v);
            }
            return m;
        });
        byState.forEach((s, v) -> v.set(s.equals(state) ? 1 : 0));
        if (state.equals("FAILED")) {
            Counter.builder(ENGINE_FAILURES).description("Capture engine failures (each is retried)").tag("env", env)
                    .register(registry).increment();
        }
    }

    /** When the last event of an environment was processed (seconds since the epoch). */
    public void recordLastEvent(String env, java.time.Instant at) {
        lastEvent.computeIfAbsent(env, e -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder(LAST_EVENT, v, AtomicLong::get).description("When the environment's last change was processed")
                    .tag("env", env).register(registry);
            return v;
        }).set(at.getEpochSecond());
    }

    public void recordBootstrapRunning(boolean running) {
        if (bootstrapRunning.get() == 0 && registry.find(BOOTSTRAP_RUNNING).gauge() == null) {
            Gauge.builder(BOOTSTRAP_RUNNING, bootstrapRunning, AtomicLong::get)
                    .description("1 while a bootstrap reads and merges").register(registry);
        }
        bootstrapRunning.set(running ? 1 : 0);
    }

    public void recordBootstrapRead(String env, long rows) {
        Counter.builder(BOOTSTRAP_READ).description("Accounts read by the bootstrap").tag("env", env)
                .register(registry).increment(rows);
    }

    public void recordBootstrapMerged(long accounts) {
        Counter.builder(BOOTSTRAP_MERGED).description("People merged by the bootstrap").register(registry).increment(accounts);
    }

    public void registerQueueDepth(String env, Supplier<Number> depth) {
        Gauge.builder(QUEUE_DEPTH, depth).description("Patches waiting to be applied").tag("env", env)
                .register(registry);
    }

    /**
     * Age of the oldest patch waiting for an environment (0 when none waits), read on scrape. The
     * apply lag is only observed when a write succeeds: while a target is down, this is the lag that
     * grows.
     */
    public void registerOldestPending(String env, Supplier<Number> seconds) {
        Gauge.builder(OLDEST_PENDING, seconds).description("Age of the oldest patch waiting to be applied")
                .tag("env", env).register(registry);
    }

    public void recordUp(String env, boolean isUp) {
        up.computeIfAbsent(env, e -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder(ENV_UP, v, AtomicLong::get).description("1 when the environment's capture runs")
                    .tag("env", env).register(registry);
            return v;
        }).set(isUp ? 1 : 0);
    }
}
