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
    public static final String ENV_UP = "accountsync_env_up";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicLong> captureLagMillis = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> up = new ConcurrentHashMap<>();

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
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

    public void registerQueueDepth(String env, Supplier<Number> depth) {
        Gauge.builder(QUEUE_DEPTH, depth).description("Patches waiting to be applied").tag("env", env)
                .register(registry);
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
