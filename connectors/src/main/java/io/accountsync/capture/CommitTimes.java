package io.accountsync.capture;

import io.accountsync.model.Dialect;
import java.time.Duration;
import java.time.Instant;

/**
 * Commit times as precise as the source allows. PostgreSQL reports commit times in milliseconds;
 * MariaDB/MySQL binlog event times have one-second resolution, so two edits in different
 * environments within one second would compare wrongly ("the later commit wins" would pick the
 * earlier edit). For those sources the commit happened in {@code [ts, ts + 1 s)}; the event is seen
 * a few milliseconds after its commit while streaming live, so the arrival time, clamped to that
 * interval, is the best estimate. A backlog replayed after a restart arrives late and is clamped to
 * the end of its second.
 */
public final class CommitTimes {
    private static final Duration BINLOG_RESOLUTION = Duration.ofMillis(999);

    private CommitTimes() {
    }

    public static Instant estimate(Dialect dialect, Instant reported, Instant arrival) {
        if (dialect == Dialect.POSTGRESQL) {
            return reported;
        }
        if (reported.getNano() % 1_000_000_000 != 0) {
            return reported;    // sub-second precision present: trust it
        }
        Instant latest = reported.plus(BINLOG_RESOLUTION);
        if (arrival.isBefore(reported)) {
            return reported;
        }
        return arrival.isAfter(latest) ? latest : arrival;
    }
}
