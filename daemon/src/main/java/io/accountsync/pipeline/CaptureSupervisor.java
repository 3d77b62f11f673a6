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

    @Override
    public void run() {
        MDC.put("env", env);
        Duration backoff = retryInitial;
        while (running) {
            Instant started = Instant.now();
            CaptureEngine e = new CaptureEngine(settings, sink, (name, from, to, reason) -> {
                metrics.recordUp(env, to == EngineState.RUNNING);
                metrics.recordEngineState(env, to.name(), java.util.Arrays.stream(EngineState.values()).map(Enum::name).toList());
                if (to == EngineState.FAILED) {
                    LOG.warn("capture of {} failed: {}", env, reason);
                }
            });
            engine = e;
            e.start();
            waitWhile(() -> running && e.state() != EngineState.FAILED && e.state() != EngineState.STOPPED);
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

    /** Stops the engine gracefully (offsets flushed) and waits for it. */
    void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(30_000);
        }
        CaptureEngine e = engine;
        if (e != null) {
            e.close();
        }
        metrics.recordUp(env, false);
    }
}
