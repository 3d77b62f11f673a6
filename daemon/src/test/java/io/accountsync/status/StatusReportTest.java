package io.accountsync.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusReportTest {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    private static EnvStatus env(String name, String role, Boolean up, String engine, Long queue, Boolean healthy) {
        return new EnvStatus(name, "mariadb", role, up, engine, null, null, null, 0L, null, null, null, queue,
                queue == null ? null : 3725.0, healthy, healthy == null ? null : 1L, engine == null ? null : 0L, 0L, null, null);
    }

    @Test
    void shouldSayWhenARunningEngineHasLostItsDatabase() {
        DaemonStatus s = new DaemonStatus(DaemonStatus.FROM_DAEMON, T, "RUNNING", T.minusSeconds(5), true, false, 0L, null,
                List.of(env("wiki", "both", false, "RUNNING", 4L, false)));

        String text = StatusReport.render(s, null);

        assertThat(text).startsWith("daemon RUNNING (not ready), started 2026-03-01 09:59:55Z (up 5 s), dry run\n");
        assertThat(text).contains("wiki  mariadb, both  DOWN")
                .contains("capture          RUNNING, not connected to the log (Debezium reconnects)")
                .contains("queue            4 waiting, oldest 1h 02m; writes failing, retried")
                .contains("last event       none yet");
    }

    @Test
    void shouldSayThatAHaltedCaptureNeedsAReBootstrapAndShowWhy() {
        String why = "env wiki: the binlog holding it has been purged; changes after GTID 0-1-9 cannot be read any more.";
        EnvStatus halted = new EnvStatus("wiki", "mariadb", "both", false, "HALTED", "0-1-9", null, null, 9L, null, null,
                null, 0L, 0.0, true, 0L, 1L, 0L, why, T.minusSeconds(60));
        DaemonStatus s = new DaemonStatus(DaemonStatus.FROM_DAEMON, T, "RUNNING", T.minusSeconds(120), false, false, 0L,
                null, List.of(halted));

        String text = StatusReport.render(s, null);

        assertThat(text).contains("wiki  mariadb, both  DOWN")
                .contains("capture          HALTED, not retried: the log position is gone; re-bootstrap it (last error says how)")
                .contains("last error       2026-03-01 09:59:00Z: " + why);
    }

    @Test
    void shouldShowATargetWithoutCaptureLines() {
        DaemonStatus s = new DaemonStatus(DaemonStatus.FROM_DAEMON, T, "RUNNING", T, false, true, 0L, null,
                List.of(env("lms", "target", true, null, 0L, true)));

        String text = StatusReport.render(s, "from here");

        assertThat(text).contains("  from here\n").contains("lms  mariadb, target  UP")
                .doesNotContain("capture ").doesNotContain("source position").contains("queue            empty")
                .contains("errors           apply errors 1, quarantined 0");
    }

    @Test
    void shouldWriteDurationsForPeople() {
        assertThat(StatusReport.duration(Duration.ofMillis(450))).isEqualTo("450 ms");
        assertThat(StatusReport.duration(Duration.ofSeconds(12))).isEqualTo("12 s");
        assertThat(StatusReport.duration(Duration.ofSeconds(184))).isEqualTo("3m 04s");
        assertThat(StatusReport.duration(Duration.ofMinutes(125))).isEqualTo("2h 05m");
        assertThat(StatusReport.duration(Duration.ofHours(76))).isEqualTo("3d 04h");
        assertThat(StatusReport.duration(Duration.ofSeconds(-5))).isEqualTo("0 ms");
    }
}
