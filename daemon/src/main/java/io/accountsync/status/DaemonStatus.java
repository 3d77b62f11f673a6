package io.accountsync.status;

import java.time.Instant;
import java.util.List;

/**
 * The status of a daemon and its environments: served as JSON on {@code /status}, printed by
 * {@code accountsync status}. Field names are snake_case in JSON.
 *
 * @param source         {@value #FROM_DAEMON} (a running daemon answered) or {@value #FROM_STATE_STORE}
 *                       (no daemon answered; read from the state store)
 * @param generatedAt    when this status was taken
 * @param daemonState    the daemon's lifecycle state (STARTING, RUNNING, …), or NOT_RUNNING
 * @param startedAt      when the daemon started; null from the state store
 * @param dryRun         whether the daemon writes .sql files instead of the databases
 * @param ready          daemon RUNNING and every read environment's capture up (what {@code /health/ready} says)
 * @param openConflicts  conflicts left for an operator (the conflict inbox); null when the store could not be read
 * @param storeError     why the state store could not be read, or null
 * @param environments   one entry per enabled environment, in configuration order
 */
public record DaemonStatus(
        String source,
        Instant generatedAt,
        String daemonState,
        Instant startedAt,
        boolean dryRun,
        boolean ready,
        Long openConflicts,
        String storeError,
        List<EnvStatus> environments) {

    public static final String FROM_DAEMON = "daemon";
    public static final String FROM_STATE_STORE = "state_store";
    public static final String NOT_RUNNING = "NOT_RUNNING";

    public DaemonStatus {
        environments = List.copyOf(environments);
    }
}
