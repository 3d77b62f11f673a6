package io.accountsync.pipeline;

import java.util.Set;

/** The daemon's lifecycle. Every transition is explicit and logged. */
public enum DaemonState {
    CREATED, STARTING, RUNNING, STOPPING, STOPPED, FAILED;

    public boolean canTransitionTo(DaemonState next) {
        return switch (this) {
            case CREATED -> Set.of(STARTING, STOPPED).contains(next);
            case STARTING -> Set.of(RUNNING, STOPPING, FAILED).contains(next);
            case RUNNING -> Set.of(STOPPING, FAILED).contains(next);
            case STOPPING -> Set.of(STOPPED, FAILED).contains(next);
            case STOPPED, FAILED -> false;
        };
    }
}
