package io.accountsync.capture;

/**
 * Told about every state change of a {@link CaptureEngine}, in order, exactly once per transition.
 *
 * <p>Called on whichever thread causes the transition (the caller of start/close, or an engine thread). It must
 * return quickly and must not wait for the engine.
 */
@FunctionalInterface
public interface CaptureListener {

    /** A listener that ignores everything. */
    CaptureListener NONE = (env, from, to, reason) -> { };

    /**
     * @param env    the environment the engine captures
     * @param from   the state before
     * @param to     the state now
     * @param reason why, in a few words; for {@link EngineState#FAILED} a sanitized error message (no secrets)
     */
    void stateChanged(String env, EngineState from, EngineState to, String reason);
}
