package io.accountsync.capture;

import static io.accountsync.capture.EngineState.CREATED;
import static io.accountsync.capture.EngineState.FAILED;
import static io.accountsync.capture.EngineState.RUNNING;
import static io.accountsync.capture.EngineState.STARTING;
import static io.accountsync.capture.EngineState.STOPPED;
import static io.accountsync.capture.EngineState.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineStateTest {

    private static final Map<EngineState, Set<EngineState>> ALLOWED = Map.of(
            CREATED, EnumSet.of(STARTING, STOPPED),
            STARTING, EnumSet.of(RUNNING, STOPPING, FAILED),
            RUNNING, EnumSet.of(STOPPING, FAILED),
            STOPPING, EnumSet.of(STOPPED, FAILED),
            STOPPED, EnumSet.noneOf(EngineState.class),
            FAILED, EnumSet.noneOf(EngineState.class));

    @Test
    void shouldAllowExactlyTheLifecycleTransitions() {
        for (EngineState from : EngineState.values()) {
            for (EngineState to : EngineState.values()) {
                assertThat(from.canTransitionTo(to)).as(from + " -> " + to).isEqualTo(ALLOWED.get(from).contains(to));
            }
        }
    }

    @Test
    void shouldTreatStoppedAndFailedAsFinal() {
        assertThat(EnumSet.allOf(EngineState.class)).filteredOn(EngineState::isFinal).containsExactly(STOPPED, FAILED);
    }
}
