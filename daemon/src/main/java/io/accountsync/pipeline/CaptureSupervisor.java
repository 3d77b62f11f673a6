package io.accountsync.pipeline;

import io.accountsync.capture.CaptureEngine;
import io.accountsync.capture.CaptureSettings;
import io.accountsync.capture.EngineState;
import io.accountsync.metrics.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Keeps one environment's capture engine running: when it fails (database down, state store error),
 * it is restarted with exponential backoff and resumes from its last committed offset.
 */
final class CaptureSupervisor implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureSupervisor.class);

    private final String env;
    private final CaptureSettings settings;
    private final io.accountsync.capture.ChangeSink sink;
    private final Metrics metrics;
    private final Duration retryInitial;
    private final Duration retryMax;
    private volatile boolean running = true;
    private volatile CaptureEngine engine;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private long upCheckedAt;
    private Thread thread;

    CaptureSupervisor(String env, CaptureSettings settings, io.accountsync.capture.ChangeSink sink, Metrics metrics,
                      Duration retryInitial, Duration retryMax) {
        this.env = env;
        this.settings = settings;
        this.sink = sink;
        this.metrics = metrics;
        this.retryInitial = retryInitial;
        this.retryMax = retryMax;
    }

    void start() {
        thread = new Thread(this, "supervise-" + env);
        thread.start();
    }

    EngineState state() {
        CaptureEngine e = engine;
        return e == null ? EngineState.CREATED : e.state();
    }

    /**
     * Whether capture is up: the engine runs and its stream is connected to the database's log. Debezium retries
     * a lost connection inside a running engine (the engine stays RUNNING meanwhile), so the state alone would
     * say "up" while the database is down.
     */
    boolean up() {
        return state() == EngineState.RUNNING && io.accountsync.capture.StreamingStatus.connected(env).orElse(false);
    }

    /** The last failure of this environment's capture engine, sanitized (no secrets); null when none failed. */
    String lastError() {
        return lastError;
    }

    /** When {@link #lastError} happened. */
    Instant lastErrorAt() {
        return lastErrorAt;
    }

    /** Keeps the env_up metric in line with {@link #up}, checked at most once a second. */
    private void refreshUp() {
        long now = System.nanoTime();
        if (now - upCheckedAt >= 1_000_000_000L) {
            upCheckedAt = now;
            metrics.recordUp(env, up());
        }
    }

    @Override
    public void run() {
        MDC.put("env", env);
        Duration backoff = retryInitial;
        while (running) {
            Instant started = Instant.now();
            CaptureEngine e = new CaptureEngine(settings, sink, (name, from, to, reason) -> {
                metrics.recordUp(env, to == EngineState.RUNNING && up());
                metrics.recordEngineState(env, to.name(), java.util.Arrays.stream(EngineState.values()).map(Enum::name).toList());
                if (to == EngineState.FAILED) {
                    lastError = reason;   // CaptureEngine sanitized it (ErrorMessages.safe)
                    lastErrorAt = Instant.now();
                    LOG.warn("capture of {} failed: {}", env, reason);
                }
            });
            engine = e;
            e.start();
            waitWhile(() -> {
                refreshUp();
                return running && e.state() != EngineState.FAILED && e.state() != EngineState.STOPPED;
            });
            if (!running) {
                break;
            }
            e.close();
            metrics.recordUp(env, false);
            if (Duration.between(started, Instant.now()).compareTo(Duration.ofMinutes(1)) > 0) {
                backoff = retryInitial;
            }
            LOG.info("restarting capture of {} in {} ms", env, backoff.toMillis());
            sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(retryMax) > 0 ? retryMax : backoff.multipliedBy(2);
        }
    }

    private void waitWhile(Supplier<Boolean> condition) {
        while (condition.get()) {
            sleep(Duration.ofMillis(100));
        }
    }

    private void sleep(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        while (running && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** No more restarts from now on (the daemon is stopping; failures now are expected). */
    void stopping() {
        running = false;
    }

    /** Stops the engine gracefully (offsets flushed) and waits for it. */
    void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(30_000);
        }
        CaptureEngine e = engine;
        String callerEnv = MDC.get("env");
        MDC.put("env", env);   // the engine and Debezium log the shutdown on this (the caller's) thread
        try {
            if (e != null) {
                e.close();
            }
        } finally {
            if (callerEnv == null) {
                MDC.remove("env");
            } else {
                MDC.put("env", callerEnv);
            }
        }
        metrics.recordUp(env, false);
    }
}
