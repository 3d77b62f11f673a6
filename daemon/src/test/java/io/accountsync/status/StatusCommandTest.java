package io.accountsync.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.cli.Main;
import io.accountsync.config.ConfigLoader;
import io.accountsync.metrics.Metrics;
import io.accountsync.metrics.MetricsServer;
import io.accountsync.pipeline.Wiring;
import io.accountsync.state.StateStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code accountsync status}: from a daemon's /status, else from the state store. No database needed. */
class StatusCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void captureOutput() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOutput() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private Path config(int metricsPort) throws Exception {
        Files.writeString(dir.resolve("db.pw"), "pw\n");
        Path file = dir.resolve("accountsync.yml");
        StringBuilder y = new StringBuilder("data_dir: data\ndry_run: false\nmetrics:\n  port: " + metricsPort + "\nenvironments:\n");
        for (String env : List.of("a", "b")) {
            y.append("  ").append(env).append(":\n")
                    .append("    dialect: postgresql\n")
                    .append("    connection: {host: 127.0.0.1, database: app_").append(env)
                    .append(", user: sync, password_file: db.pw}\n")
                    .append("    profile: {type: generic, table: users, key_column: id, username_column: username, "
                            + "fields: {email: email}}\n");
        }
        Files.writeString(file, y.toString());
        return file;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static DaemonStatus sample() {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        return new DaemonStatus(DaemonStatus.FROM_DAEMON, t.plusSeconds(90), "RUNNING", t, false, false, 2L, null, List.of(
                new EnvStatus("a", "postgresql", "both", true, "RUNNING", "lsn=12345", t.plusSeconds(80),
                        t.plusSeconds(81), 40L, 0.25, 0.12, 0.9, 0L, 0.0, true, 0L, 0L, 1L, null, null),
                new EnvStatus("b", "postgresql", "both", false, "FAILED", null, null, null, 0L, null, null, null,
                        7L, 42.5, false, 3L, 4L, 0L,
                        "PSQLException: FATAL: password authentication failed for user \"sync\"", t.plusSeconds(85))));
    }

    @Test
    void shouldShowTheRunningDaemonsStatus() throws Exception {
        try (MetricsServer server = new MetricsServer("127.0.0.1", 0, new Metrics(), () -> false,
                () -> StatusJson.write(sample()))) {
            Path cfg = config(server.port());

            int code = Main.execute("status", "-c", cfg.toString());

            assertThat(code).isZero();
            String text = out();
            assertThat(text).startsWith("daemon RUNNING (not ready), started 2026-03-01 10:00:00Z (up 1m 30s)")
                    .contains("from http://127.0.0.1:" + server.port() + "/status")
                    .contains("open conflicts: 2");
            String a = text.substring(text.indexOf("\na  "), text.indexOf("\nb  "));
            assertThat(a).contains("a  postgresql, both  UP").contains("capture          RUNNING")
                    .contains("source position  lsn=12345").contains("last event       2026-03-01 10:01:21Z (9 s ago), 40 events")
                    .contains("capture lag      0.250 s").contains("apply lag        p50 0.120 s, p99 0.900 s")
                    .contains("queue            empty");
            String b = text.substring(text.indexOf("\nb  "));
            assertThat(b).contains("b  postgresql, both  DOWN").contains("capture          FAILED")
                    .contains("last error       2026-03-01 10:01:25Z: PSQLException: FATAL: password authentication failed")
                    .contains("queue            7 waiting, oldest 42 s; writes failing")
                    .contains("errors           capture failures 4, apply errors 3, quarantined 0");
        }
    }

    @Test
    void shouldPrintTheDaemonsJsonAsItIs() throws Exception {
        try (MetricsServer server = new MetricsServer("127.0.0.1", 0, new Metrics(), () -> true,
                () -> StatusJson.write(sample()))) {
            int code = Main.execute("status", "--json", "-c", config(server.port()).toString());

            assertThat(code).isZero();
            assertThat(StatusJson.read(out())).isEqualTo(sample());
            assertThat(out()).contains("\"engine_state\" : \"FAILED\"").contains("\"queue_depth\" : 7");
        }
    }

    @Test
    void shouldSayThatNothingRanYetWhenNoDaemonAnswersAndThereIsNoStore() throws Exception {
        int code = Main.execute("status", "-c", config(freePort()).toString());

        assertThat(code).as(err.toString(StandardCharsets.UTF_8) + out()).isZero();
        assertThat(out()).startsWith("daemon not running (from the state store)")
                .contains("nothing answers on http://127.0.0.1:")
                .contains("no state store yet at ")
                .contains("\na  postgresql, both\n").contains("\nb  postgresql, both\n");
        assertThat(dir.resolve("data/state")).as("status creates no store").doesNotExist();
    }

    @Test
    void shouldReadTheStateStoreWhenNoDaemonAnswers() throws Exception {
        Path cfg = config(freePort());
        StateStore store = Wiring.store(ConfigLoader.load(cfg), false).openForUse();
        Instant now = Instant.now();
        try (Connection c = store.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("insert into env_state (env, last_position, last_commit_time, last_event_at, events, updated_at) "
                    + "values ('a', 'lsn=777', timestamp with time zone '2026-03-01 10:00:00+00', "
                    + "timestamp with time zone '2026-03-01 10:00:00.400+00', 12, current_timestamp)");
            for (int i = 0; i < 3; i++) {
                st.executeUpdate("insert into outbox (env, global_id, kind, payload, reason, source_time, created_at) values "
                        + "('b', 1, 'update', '{}', 'test', current_timestamp, current_timestamp - interval '" + (100 - i) + "' second)");
            }
            st.executeUpdate("insert into quarantine (env, stage, reason, created_at) values ('a', 'normalize', 'no key', current_timestamp)");
            st.executeUpdate("insert into conflict (username_key, kind, fields, candidates, status, detected_at) "
                    + "values ('tom', 'bootstrap', 'email', '{}', 'open', current_timestamp)");
            st.executeUpdate("insert into conflict (username_key, kind, fields, candidates, status, detected_at) "
                    + "values ('ann', 'bootstrap', 'email', '{}', 'resolved', current_timestamp)");
            c.commit();
        }

        int code = Main.execute("status", "-c", cfg.toString());

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String text = out();
        assertThat(text).startsWith("daemon not running (from the state store)").contains("open conflicts: 1");
        String a = text.substring(text.indexOf("\na  "), text.indexOf("\nb  "));
        assertThat(a).contains("source position  lsn=777").contains("last event       2026-03-01 10:00:00Z")
                .contains(", 12 events").contains("capture lag      0.400 s (at the last event)")
                .contains("quarantined 1").doesNotContain("UP").doesNotContain("apply lag");
        String b = text.substring(text.indexOf("\nb  "));
        assertThat(b).containsPattern("queue            3 waiting, oldest 1m 4\\ds");

        out.reset();
        assertThat(Main.execute("status", "--json", "-c", cfg.toString())).isZero();
        DaemonStatus s = StatusJson.read(out());
        assertThat(s.source()).isEqualTo(DaemonStatus.FROM_STATE_STORE);
        assertThat(s.daemonState()).isEqualTo(DaemonStatus.NOT_RUNNING);
        assertThat(s.environments()).extracting(EnvStatus::name).containsExactly("a", "b");
        assertThat(s.environments().get(1).queueDepth()).isEqualTo(3L);
        assertThat(s.environments().get(1).oldestPendingSeconds()).isBetween(99.0, 130.0);
        assertThat(s.environments().get(0).events()).isEqualTo(12L);
        assertThat(StoreFactsOldest.of(store, "b")).isBefore(now.minusSeconds(97));
    }

    @Test
    void shouldExitTwoOnAConfigError() throws Exception {
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, "environments: {}\nnonsense: 1\n");

        assertThat(Main.execute("status", "-c", bad.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("problem");
    }

    /** {@link StoreFacts#oldestPending} through a fresh connection. */
    static final class StoreFactsOldest {
        static Instant of(StateStore store, String env) throws Exception {
            try (Connection c = store.connect()) {
                return StoreFacts.oldestPending(c, env).orElseThrow();
            }
        }
    }
}
