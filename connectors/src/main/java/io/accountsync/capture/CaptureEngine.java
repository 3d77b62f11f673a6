package io.accountsync.capture;

import io.accountsync.connect.Secret;
import io.accountsync.model.RowChange;
import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Captures one environment's row changes with a Debezium embedded (async) engine and hands them to a
 * {@link ChangeSink}, batch by batch, marking a batch's records processed only after the sink has returned: an
 * offset is never committed for a change the sink has not made durable. A batch holds whole source transactions: the
 * rows of a transaction still open when Debezium's poll ends wait for the batch that brings its end
 * ({@link WholeTransactions}).
 *
 * <p>The engine runs on a thread named {@code capture-<env>}; batches arrive on Debezium's polling thread, renamed
 * {@code capture-<env>-poll}. Both carry the MDC key {@value #MDC_ENV}. Every state change is logged once and told to
 * the {@link CaptureListener}. An engine runs once: after STOPPED or FAILED, create a new one with the same settings
 * to resume from the last committed offset.
 */
public final class CaptureEngine implements AutoCloseable {

    /** The MDC key that carries the environment's name on the engine's threads. */
    public static final String MDC_ENV = "env";

    private static final Logger LOG = LoggerFactory.getLogger(CaptureEngine.class);
    /** Longest close() waits for a sink call in flight, a starting task, and the engine's shutdown, each. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofMinutes(3);

    private final CaptureSettings settings;
    private final String env;
    private final ChangeSink sink;
    private final CaptureListener listener;
    private final RowChangeConverter converter;
    private final Secret[] secrets;

    private final Object lifecycleLock = new Object();
    private volatile EngineState state = EngineState.CREATED;
    private volatile String lastError;
    private volatile String logGone;

    /** Held while a batch is converted, given to the sink and marked; close() takes it to let that batch finish. */
    private final ReentrantLock batchLock = new ReentrantLock();
    private volatile boolean stopRequested;
    private volatile String batchFailure;
    private volatile DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;
    private volatile Thread engineThread;
    private volatile Thread pollingThread;
    private final CountDownLatch finished = new CountDownLatch(1);
    /** The rows of a transaction whose END has not been captured yet; used on the polling thread, under batchLock. */
    private final WholeTransactions transactions = new WholeTransactions();

    public CaptureEngine(CaptureSettings settings, ChangeSink sink, CaptureListener listener) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.env = settings.env();
        this.sink = Objects.requireNonNull(sink, "sink");
        this.listener = listener == null ? CaptureListener.NONE : listener;
        this.converter = new RowChangeConverter(env, settings.dialect());
        this.secrets = DebeziumProperties.secrets(settings);
    }

    /** The environment this engine captures. */
    public String env() {
        return env;
    }

    public EngineState state() {
        return state;
    }

    /** Why the engine failed, sanitized (no secrets, no configuration dump); empty unless FAILED. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /**
     * What is gone when the engine FAILED because the database no longer holds the position it resumes from (a
     * dropped replication slot, a purged binlog; see {@link LogRetention#classify}): restarting cannot help then.
     */
    public Optional<String> logGone() {
        return Optional.ofNullable(logGone);
    }

    /**
     * Starts the Debezium engine on a new thread and returns at once: the state is STARTING, then RUNNING once the
     * connector polls or the first batch arrives (about 1–2 s), or FAILED.
     *
     * @throws IllegalStateException if this engine was started or closed before
     */
    public void start() {
        synchronized (lifecycleLock) {
            if (state != EngineState.CREATED) {
                throw new IllegalStateException("capture engine for env " + env + " is " + state
                        + "; an engine runs once, create a new one to restart");
            }
            transition(EngineState.STARTING, "start requested: " + settings.connection().describe()
                    + " tables " + settings.tables());
            try {
                JulBridge.install();
                LogSecrets.register(secrets);
                Files.createDirectories(settings.workDir());
                engine = DebeziumEngine.create(Connect.class)
                        .using(DebeziumProperties.build(settings))
                        .using(new Callbacks())
                        .using(this::completed)
                        .notifying(this::handleBatch)
                        .build();
            } catch (Throwable t) {
                // build() may already have reported the failure through completed(); a second report is ignored.
                fail(ErrorMessages.safe(t, secrets));
                finished.countDown();
                return;
            }
            if (stopRequested) {
                // close() ran meanwhile (from a listener told about STARTING): never start the engine.
                transition(EngineState.STOPPED, "closed while starting");
                finished.countDown();
                return;
            }
            Thread thread = new Thread(this::run, "capture-" + env);
            engineThread = thread;
            thread.start();
        }
    }

    /**
     * Stops gracefully: lets the batch in flight finish, stops the connector, flushes the offsets and waits for the
     * engine to finish. Safe to call twice, before start, and after a failure. Called from one of the engine's own
     * threads (by the sink or a listener), it only starts the shutdown and returns.
     */
    @Override
    public void close() {
        Thread current = Thread.currentThread();
        if (current == engineThread || current == pollingThread) {
            Thread closer = new Thread(() -> {
                MDC.put(MDC_ENV, env);
                close();
            }, "capture-" + env + "-close");
            closer.start();
            return;
        }
        DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> running;
        synchronized (lifecycleLock) {
            stopRequested = true;
            if (state == EngineState.CREATED) {
                transition(EngineState.STOPPED, "closed before start");
                return;
            }
            if (state == EngineState.STARTING || state == EngineState.RUNNING) {
                transition(EngineState.STOPPING, "close requested");
            }
            running = engine;
        }
        if (running == null || finished.getCount() == 0) {
            return;
        }
        awaitBatchInFlight();
        stopEngine(running);
        try {
            if (!finished.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("env {}: capture engine did not finish within {} s of close", env, CLOSE_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks until the engine's thread has finished (or never started); false on timeout. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String toString() {
        return "CaptureEngine[env=" + env + ", state=" + state + "]";
    }

    // ------------------------------------------------------------------ engine threads

    private void run() {
        MDC.put(MDC_ENV, env);
        try {
            engine.run();
        } catch (Throwable t) {
            // run() reports through the completion callback; this is for what escapes it.
            completed(false, null, t);
        } finally {
            MDC.remove(MDC_ENV);
            finished.countDown();
        }
    }

    private void handleBatch(List<ChangeEvent<SourceRecord, SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        enterPollingThread();
        running("first batch received");
        if (stopRequested) {
            // Not marked: delivered again after a restart. Every later batch is skipped too, so no later offset
            // can be committed past it.
            return;
        }
        batchLock.lockInterruptibly();
        try {
            if (stopRequested) {
                return;
            }
            List<WholeTransactions.Item> items = new ArrayList<>(records.size());
            for (ChangeEvent<SourceRecord, SourceRecord> record : records) {
                SourceRecord source = record.value();
                try {
                    WholeTransactions.Item marker = RowChangeConverter.marker(source);
                    items.add(marker != null ? marker
                            : converter.convert(source).<WholeTransactions.Item>map(WholeTransactions.Row::new)
                                    .orElse(WholeTransactions.Marker.OTHER));
                } catch (RuntimeException e) {
                    throw failure("cannot convert a record from " + source.topic() + ": ", e);
                }
            }
            WholeTransactions.Released released = transactions.accept(items);
            if (released.splitOpen()) {
                LOG.warn("env {}: a transaction of more than {} captured rows is handed on in parts; an account whose"
                        + " rows straddle a part's end may be merged as two changes", env, WholeTransactions.MAX_HELD);
            }
            if (!released.rows().isEmpty()) {
                try {
                    sink.accept(released.rows());
                } catch (InterruptedException e) {
                    if (stopRequested) {
                        throw e; // the engine is being stopped: the batch is not marked and comes again
                    }
                    throw failure("sink interrupted: ", e);
                } catch (Exception e) {
                    throw failure("sink failed: ", e);
                }
            }
            // Records of a transaction still open stay unmarked: the record that ends it marks their position.
            for (int i = 0; i < released.markable(); i++) {
                committer.markProcessed(records.get(i));
            }
            committer.markBatchFinished();
        } finally {
            batchLock.unlock();
        }
    }

    /** Remembers the (sanitized) failure and returns the exception that stops the engine. */
    private BatchFailedException failure(String what, Exception cause) {
        String reason = what + ErrorMessages.safe(cause, secrets);
        batchFailure = reason;
        return new BatchFailedException(reason, cause.getStackTrace());
    }

    private void enterPollingThread() {
        Thread current = Thread.currentThread();
        if (pollingThread != current) {
            pollingThread = current;
            // Debezium's polling thread comes from an unnamed pool that belongs to this engine alone.
            current.setName("capture-" + env + "-poll");
            MDC.put(MDC_ENV, env);
        }
    }

    private void completed(boolean success, String message, Throwable error) {
        synchronized (lifecycleLock) {
            if (state.isFinal()) {
                return;
            }
            String failure = batchFailure;
            if (failure == null && !stopRequested && (!success || error != null)) {
                failure = error != null ? ErrorMessages.safe(error, secrets)
                        : ErrorMessages.clean(message == null ? "engine failed" : message, secrets);
                logGone = LogRetention.classify(wholeText(message, error), settings).orElse(null);
            }
            if (failure != null) {
                fail(failure);
                return;
            }
            if (!success || error != null) {
                LOG.info("env {}: capture engine reported while stopping: {}", env,
                        error != null ? ErrorMessages.safe(error, secrets) : ErrorMessages.clean(message, secrets));
            }
            if (state == EngineState.STARTING || state == EngineState.RUNNING) {
                transition(EngineState.STOPPING, "engine finished by itself");
            }
            transition(EngineState.STOPPED, "offsets flushed, connector stopped");
        }
    }

    /** Every message of the failure, uncut: matched by {@link LogRetention#classify}, never logged or kept. */
    private static String wholeText(String message, Throwable error) {
        StringBuilder sb = new StringBuilder(message == null ? "" : message);
        for (Throwable t : ErrorMessages.chain(error)) {
            sb.append(" | ").append(t.getMessage());
        }
        return sb.toString();
    }

    private void fail(String reason) {
        synchronized (lifecycleLock) {
            if (state.canTransitionTo(EngineState.FAILED)) {
                lastError = reason;
                transition(EngineState.FAILED, reason);
            }
        }
    }

    private void running(String reason) {
        if (state == EngineState.STARTING) {
            synchronized (lifecycleLock) {
                if (state == EngineState.STARTING) {
                    transition(EngineState.RUNNING, reason);
                }
            }
        }
    }

    /** Changes the state if the lifecycle allows it, logs it and tells the listener. Caller holds lifecycleLock. */
    private boolean transition(EngineState to, String reason) {
        EngineState from = state;
        if (!from.canTransitionTo(to)) {
            LOG.debug("env {}: ignoring capture engine transition {} -> {} ({})", env, from, to, reason);
            return false;
        }
        state = to;
        if (to == EngineState.FAILED) {
            LOG.error("env {}: capture engine {} -> {}: {}", env, from, to, reason);
        } else {
            LOG.info("env {}: capture engine {} -> {}: {}", env, from, to, reason);
        }
        try {
            listener.stateChanged(env, from, to, reason);
        } catch (RuntimeException e) {
            LOG.warn("env {}: capture listener failed on {} -> {}: {}", env, from, to, ErrorMessages.safe(e, secrets));
        }
        return true;
    }

    // ------------------------------------------------------------------ shutdown

    private void awaitBatchInFlight() {
        try {
            if (batchLock.tryLock(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                batchLock.unlock();
            } else {
                LOG.warn("env {}: the sink did not return within {} s; stopping the engine anyway (the batch is not"
                        + " marked and will come again)", env, CLOSE_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopEngine(DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> running) {
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        while (true) {
            try {
                running.close();
                return;
            } catch (IllegalStateException e) {
                String m = String.valueOf(e.getMessage());
                if (m.contains("already shut down") || m.contains("already being shutting down")) {
                    return; // finished (e.g. after a failure) or a shutdown is under way: the engine thread ends it
                }
                // "Cannot stop engine while tasks are starting": Debezium forbids it; wait until they have started.
                try {
                    if (finished.await(100, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (System.nanoTime() > deadline) {
                    LOG.warn("env {}: could not stop the capture engine within {} s: {}", env,
                            CLOSE_TIMEOUT.toSeconds(), ErrorMessages.safe(e, secrets));
                    return;
                }
            } catch (Exception e) {
                LOG.warn("env {}: stopping the capture engine failed: {}", env, ErrorMessages.safe(e, secrets));
                return;
            }
        }
    }

    private final class Callbacks implements DebeziumEngine.ConnectorCallback {
        @Override
        public void pollingStarted() {
            running("connector task started, polling for changes");
        }
    }

    /**
     * Stops the engine when a batch cannot be handled. Its message is sanitized and it carries no cause, because
     * Debezium logs it with its whole chain; the stack trace is the original failure's.
     */
    static final class BatchFailedException extends RuntimeException {
        BatchFailedException(String message, StackTraceElement[] stackTrace) {
            super(message);
            setStackTrace(stackTrace);
        }
    }
}
