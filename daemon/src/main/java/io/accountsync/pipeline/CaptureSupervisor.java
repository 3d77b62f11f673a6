package io.accountsync.pipeline;

import io.accountsync.capture.CaptureEngine;
import io.accountsync.capture.CaptureSettings;
import io.accountsync.capture.EngineState;
import io.accountsync.capture.ErrorMessages;
import io.accountsync.capture.LogRetention;
import io.accountsync.metrics.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Keeps one environment's capture engine running: when it fails (database down, state store error),
 * it is restarted with exponential backoff and resumes from its last committed offset.
 *
 * <p>Except when the database no longer holds the position the offsets point at (replication slot
 * dropped or re-created, binlog purged): no restart can read the changes made since. Checked before
 * every start and recognised in the engine's failure ({@link LogRetention}), that stops this
 * environment's capture for good — state {@value #HALTED}, logged, in {@code /status} and in the
 * engine-state metric — with a message that says how to re-bootstrap it. The other environments keep
 * syncing, and this one still receives their changes.
 */
final class CaptureSupervisor implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureSupervisor.class);

    /** The state of an environment whose capture is stopped until an operator re-bootstraps it. */
    static final String HALTED = "HALTED";
    /** Every state the engine-state metric knows: the engine's lifecycle and {@value #HALTED}. */
    static final List<String> STATES;

    static {
        List<String> states = new ArrayList<>();
        for (EngineState s : EngineState.values()) {
            states.add(s.name());
        }
        states.add(HALTED);
        STATES = List.copyOf(states);
    }

    private final String env;
    private final CaptureSettings settings;
    private final io.accountsync.capture.ChangeSink sink;
    private final Metrics metrics;
    private final Duration retryInitial;
    private final Duration retryMax;
    private volatile boolean running = true;
    private volatile boolean halted;
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

    /** The engine's state, or {@value #HALTED} once capture is stopped for an operator. */
    String stateName() {
        return halted ? HALTED : state().name();
    }

    /** Whether capture is stopped until the environment is re-bootstrapped ({@link #lastError} says why and how). */
    boolean halted() {
        return halted;
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
            Optional<LogRetention.Gone> gone = logGoneBeforeStart();
            if (gone.isPresent()) {
                halt(gone.get());
                return;
            }
            Instant started = Instant.now();
            CaptureEngine e = new CaptureEngine(settings, sink, (name, from, to, reason) -> {
                metrics.recordUp(env, to == EngineState.RUNNING && up());
                metrics.recordEngineState(env, to.name(), STATES);
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
            if (e.state() == EngineState.FAILED) {
                // Debezium's own log-position check, or the server refusing a purged binlog position.
                if (e.logGone().isPresent()) {
                    // Asking the database says precisely what is gone (dropped or re-created slot, which binlog).
                    gone = logGoneBeforeStart().or(() -> e.logGone()
                            .map(what -> new LogRetention.Gone(what, LogRetention.storedPosition(settings))));
                }
                if (gone.isPresent()) {
                    halt(gone.get());
                    return;
                }
            }
            if (Duration.between(started, Instant.now()).compareTo(Duration.ofMinutes(1)) > 0) {
                backoff = retryInitial;
            }
            LOG.info("restarting capture of {} in {} ms", env, backoff.toMillis());
            sleep(backoff);
            backoff = backoff.multipliedBy(2).compareTo(retryMax) > 0 ? retryMax : backoff.multipliedBy(2);
        }
    }

    /** Whether the database lost the stored position; empty when it has it, or cannot be asked now (then the engine retries). */
    private Optional<LogRetention.Gone> logGoneBeforeStart() {
        try {
            return LogRetention.check(settings);
        } catch (Exception ex) {
            LOG.debug("could not check the log position of {} before starting its capture: {}", env,
                    ErrorMessages.safe(ex, settings.connection().password()));
            return Optional.empty();
        }
    }

    /** Stops capturing this environment for good, and says so everywhere an operator looks. */
    private void halt(LogRetention.Gone gone) {
        String message = haltMessage(env, gone, settings.workDir());
        halted = true;
        lastError = message;
        lastErrorAt = Instant.now();
        metrics.recordUp(env, false);
        metrics.recordEngineState(env, HALTED, STATES);
        LOG.error("{}", message);
    }

    /** What an operator reads in the log, {@code /status} and {@code accountsync status}: what is gone, and what to do. */
    static String haltMessage(String env, LogRetention.Gone gone, Path captureDir) {
        return "env " + env + ": " + gone.what() + "; changes after " + gone.position() + " cannot be read any more."
                + " Capture of " + env + " is HALTED and not retried; the other environments keep syncing, and " + env
                + " still receives their changes. Re-bootstrap " + env + ": stop the daemon, delete " + captureDir
                + " (its capture offsets), start the daemon: it reads " + env + " in full and merges it under the"
                + " conflict policy (ops/RUNBOOK.md, \"Re-bootstrapping one environment\").";
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
