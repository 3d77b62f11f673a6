package io.accountsync.status;

import java.time.Instant;

/**
 * One environment in a {@link DaemonStatus}. Fields that the source of the status cannot know are
 * null (a status read from the state store knows no engine state, lag percentiles or errors).
 *
 * @param name                 the environment
 * @param dialect              postgresql, mariadb or mysql
 * @param role                 both, source or target
 * @param up                   readable environments: the capture runs and is connected; target-only
 *                             environments: the last write succeeded
 * @param engineState          the capture engine's lifecycle state (CREATED … FAILED), or HALTED: stopped until the
 *                             environment is re-bootstrapped (its log position is gone; lastError says how)
 * @param lastPosition         the source position of the last change processed (LSN, GTID, binlog file/position)
 * @param lastCommitTime       the source commit time of that change
 * @param lastEventAt          when that change was processed
 * @param events               changes processed since the state store was created
 * @param captureLagSeconds    processing time minus source commit time of the last change
 * @param applyLagP50Seconds   median of source commit until written in this environment (last 5 minutes)
 * @param applyLagP99Seconds   99th percentile of the same
 * @param queueDepth           patches waiting to be written to this environment
 * @param oldestPendingSeconds age of the oldest of those patches (0 when none wait)
 * @param applyHealthy         whether the last write attempt succeeded
 * @param applyErrors          failed write attempts since the daemon started
 * @param engineFailures       capture engine failures since the daemon started (each is retried)
 * @param quarantined          events and values quarantined for this environment (state store)
 * @param lastError            the last capture failure, sanitized
 * @param lastErrorAt          when it happened
 */
public record EnvStatus(
        String name,
        String dialect,
        String role,
        Boolean up,
        String engineState,
        String lastPosition,
        Instant lastCommitTime,
        Instant lastEventAt,
        Long events,
        Double captureLagSeconds,
        Double applyLagP50Seconds,
        Double applyLagP99Seconds,
        Long queueDepth,
        Double oldestPendingSeconds,
        Boolean applyHealthy,
        Long applyErrors,
        Long engineFailures,
        Long quarantined,
        String lastError,
        Instant lastErrorAt) {
}
