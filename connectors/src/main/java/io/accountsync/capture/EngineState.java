package io.accountsync.capture;

/**
 * The lifecycle of one {@link CaptureEngine}. STOPPED and FAILED are final: to capture again, a supervisor creates a
 * new engine with the same settings, and Debezium resumes from the last committed offset.
 *
 * <ul>
 *   <li>CREATED → STARTING (start) or STOPPED (closed before it started)</li>
 *   <li>STARTING → RUNNING, STOPPING (close) or FAILED</li>
 *   <li>RUNNING → STOPPING (close) or FAILED</li>
 *   <li>STOPPING → STOPPED or FAILED</li>
 * </ul>
 */
public enum EngineState {
    /** Built, not started. */
    CREATED,
    /** The Debezium engine validates the configuration, connects and starts the connector task. */
    STARTING,
    /**
     * The connector task has started and is polled (or a first batch has arrived): it snapshots and/or streams, and
     * batches reach the sink. Not a proof that the replication stream is connected: Debezium retries a stream that
     * fails to start (e.g. a PostgreSQL slot still held by another process) for a while before the engine fails.
     */
    RUNNING,
    /** close() was called: finishing the batch in flight, flushing offsets, stopping the connector. */
    STOPPING,
    /** Stopped cleanly; offsets are flushed. Final. */
    STOPPED,
    /** Stopped because of an error (see {@link CaptureEngine#lastError()}); nothing was lost. Final. */
    FAILED;

    /** Whether the lifecycle allows going from this state to {@code next}. */
    public boolean canTransitionTo(EngineState next) {
        return switch (this) {
            case CREATED -> next == STARTING || next == STOPPED;
            case STARTING -> next == RUNNING || next == STOPPING || next == FAILED;
            case RUNNING -> next == STOPPING || next == FAILED;
            case STOPPING -> next == STOPPED || next == FAILED;
            case STOPPED, FAILED -> false;
        };
    }

    /** Whether no further transition is possible. */
    public boolean isFinal() {
        return this == STOPPED || this == FAILED;
    }
}
