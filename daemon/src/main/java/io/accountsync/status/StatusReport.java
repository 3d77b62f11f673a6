package io.accountsync.status;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The text screen of {@code accountsync status}: a header for the daemon, then one block per environment. */
public final class StatusReport {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final String ROW = "  %-17s%s%n";
    /** The capture state of an environment stopped until it is re-bootstrapped (see CaptureSupervisor). */
    static final String HALTED = "HALTED";

    private StatusReport() {
    }

    /**
     * Renders {@code s}; {@code where} says where it came from (the daemon's URL, or why no daemon
     * answered and which state store was read).
     */
    public static String render(DaemonStatus s, String where) {
        StringBuilder out = new StringBuilder();
        boolean live = DaemonStatus.FROM_DAEMON.equals(s.source());
        if (live) {
            out.append("daemon ").append(s.daemonState()).append(s.ready() ? " (ready)" : " (not ready)");
            if (s.startedAt() != null) {
                out.append(", started ").append(time(s.startedAt())).append(" (up ")
                        .append(duration(Duration.between(s.startedAt(), s.generatedAt()))).append(')');
            }
            out.append(s.dryRun() ? ", dry run" : "").append('\n');
        } else {
            out.append("daemon not running (from the state store)").append(s.dryRun() ? ", dry run" : "").append('\n');
        }
        if (where != null) {
            out.append("  ").append(where).append('\n');
        }
        out.append("  as of ").append(time(s.generatedAt())).append('\n');
        if (s.storeError() != null) {
            out.append("  state store: ").append(s.storeError()).append('\n');
        }
        if (s.openConflicts() != null) {
            out.append("  open conflicts: ").append(s.openConflicts())
                    .append(s.openConflicts() > 0 ? " (accountsync conflicts list)" : "").append('\n');
        }
        for (EnvStatus e : s.environments()) {
            out.append('\n').append(e.name()).append("  ").append(e.dialect()).append(", ").append(e.role());
            if (e.up() != null) {
                out.append("  ").append(e.up() ? "UP" : "DOWN");
            }
            out.append('\n');
            if (e.engineState() != null) {
                boolean disconnected = e.engineState().equals("RUNNING") && Boolean.FALSE.equals(e.up());
                boolean halted = e.engineState().equals(HALTED);
                row(out, "capture", e.engineState() + (disconnected ? ", not connected to the log (Debezium reconnects)" : "")
                        + (halted ? ", not retried: the log position is gone; re-bootstrap it (last error says how)" : ""));
            }
            if (e.lastError() != null) {
                row(out, "last error", (e.lastErrorAt() == null ? "" : time(e.lastErrorAt()) + ": ") + e.lastError());
            }
            if (!"target".equals(e.role())) {
                row(out, "source position", e.lastPosition() == null ? "-" : e.lastPosition());
                row(out, "last event", lastEvent(e, s.generatedAt()));
                row(out, "capture lag", e.captureLagSeconds() == null ? "-"
                        : seconds(e.captureLagSeconds()) + (live ? "" : " (at the last event)"));
            }
            if (e.queueDepth() != null || e.applyHealthy() != null) {
                if (live) {
                    row(out, "apply lag", e.applyLagP50Seconds() == null ? "- (nothing written in the last 5 min)"
                            : "p50 " + seconds(e.applyLagP50Seconds()) + ", p99 " + seconds(e.applyLagP99Seconds())
                            + " (last 5 min)");
                }
                row(out, "queue", queue(e));
            }
            String errors = errors(e);
            if (!errors.isEmpty()) {
                row(out, "errors", errors);
            }
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, ROW, label, value));
    }

    private static String lastEvent(EnvStatus e, Instant now) {
        if (e.lastEventAt() == null) {
            return "none yet";
        }
        String s = time(e.lastEventAt()) + " (" + duration(Duration.between(e.lastEventAt(), now)) + " ago)";
        return e.events() == null ? s : s + ", " + e.events() + " events";
    }

    private static String queue(EnvStatus e) {
        if (e.queueDepth() == null) {
            return "-";
        }
        if (e.queueDepth() == 0) {
            return "empty";
        }
        String s = e.queueDepth() + " waiting";
        if (e.oldestPendingSeconds() != null) {
            s += ", oldest " + duration(Duration.ofMillis((long) (e.oldestPendingSeconds() * 1000)));
        }
        return s + (Boolean.FALSE.equals(e.applyHealthy()) ? "; writes failing, retried" : "");
    }

    private static String errors(EnvStatus e) {
        StringBuilder sb = new StringBuilder();
        if (e.engineFailures() != null) {
            sb.append("capture failures ").append(e.engineFailures());
        }
        if (e.applyErrors() != null) {
            sb.append(sb.isEmpty() ? "" : ", ").append("apply errors ").append(e.applyErrors());
        }
        if (e.quarantined() != null) {
            sb.append(sb.isEmpty() ? "" : ", ").append("quarantined ").append(e.quarantined());
        }
        return sb.toString();
    }

    static String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f s", s);
    }

    /** 450 ms, 12 s, 3m 04s, 2h 05m, 3d 04h. */
    static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dd %02dh", s / 86400, (s % 86400) / 3600);
    }
}
