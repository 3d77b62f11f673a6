package io.accountsync.status;

import java.time.Instant;

/**
 * What the running daemon knows about one environment beyond the state store and the metrics.
 *
 * @param name         the environment
 * @param dialect      postgresql, mariadb or mysql
 * @param role         both, source or target
 * @param engineState  the capture engine's lifecycle state, or HALTED (log position gone, not retried); null when
 *                     the environment is not read
 * @param captureUp    whether its capture runs and is connected to the database's log
 * @param lastError    the capture's last failure, sanitized (no secrets); null when it never failed
 * @param lastErrorAt  when that failure happened
 * @param applyHealthy whether the last write attempt succeeded; null when the environment is not written
 */
public record EnvLiveState(String name, String dialect, String role, String engineState, boolean captureUp,
                           String lastError, Instant lastErrorAt, Boolean applyHealthy) {
}
