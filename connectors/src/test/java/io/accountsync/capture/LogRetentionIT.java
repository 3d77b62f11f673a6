package io.accountsync.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import io.accountsync.model.RowChange;
import io.accountsync.testsupport.DbInstance;
import io.accountsync.testsupport.FaultDatabases;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log position that the database no longer holds — a dropped or re-created PostgreSQL replication slot, a purged
 * MariaDB binlog — is recognised both before a start ({@link LogRetention#check}) and in the failure of an engine
 * started anyway ({@link LogRetention#classify}), and the engine never streams on past the gap. Runs on the fault
 * instances (pgfault, mariadbfault), because purging a binlog would hurt every other test on a shared one.
 */
class LogRetentionIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path workDir;

    private final List<CaptureEngine> engines = new ArrayList<>();
    private DbInstance db;
    private String database;

    @AfterEach
    void cleanUp() {
        engines.forEach(CaptureEngine::close);
        if (database != null) {
            db.dropDatabase(database);
        }
    }

    @AfterAll
    static void stopFaultInstances() {
        FaultDatabases.stopStarted();
    }

    @Test
    void shouldRecogniseADroppedAndARecreatedReplicationSlot() throws Exception {
        db = FaultDatabases.pgfault();
        database = db.createDatabase("retention");
        execute("create table accounts (id int primary key, name varchar(100))",
                "alter table accounts replica identity full");
        String slot = "ret_" + database;
        CaptureSettings settings = new CaptureSettings("ret", connection(), List.of("public.accounts"), workDir, 0,
                slot, slot, "no_data", Map.of());

        streamOneChangeAndStop(settings);
        assertThat(LogRetention.check(settings)).isEmpty();

        execute("insert into accounts values (2, 'made while the slot is gone')");
        execute("select pg_drop_replication_slot('" + slot + "')");

        Optional<LogRetention.Gone> gone = LogRetention.check(settings);
        assertThat(gone).hasValueSatisfying(g -> {
            assertThat(g.what()).isEqualTo("replication slot " + slot + " is gone");
            assertThat(g.position()).matches("lsn [0-9A-F]+/[0-9A-F]+");
        });

        // Started anyway (without the supervisor's check), Debezium refuses: no slot is created, nothing streams.
        assertThat(startedAnywayFailsOnTheGap(settings).changes()).isEmpty();
        assertThat(query("select count(*) from pg_replication_slots where slot_name = '" + slot + "'")).isEqualTo("0");

        // A slot of the same name created afresh starts after the stored position: the gap is gone all the same.
        execute("select pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        execute("insert into accounts values (3, 'moves the server past the new slot')");
        assertThat(LogRetention.check(settings)).hasValueSatisfying(g ->
                assertThat(g.what()).startsWith("replication slot " + slot + " was re-created: it starts at lsn "));
    }

    @Test
    void shouldRecogniseAPurgedBinlog() throws Exception {
        db = FaultDatabases.mariadbfault();
        database = db.createDatabase("retention");
        execute("create table accounts (id int primary key, name varchar(100))");
        long serverId = 100_000 + RANDOM.nextInt(1_000_000_000);
        CaptureSettings settings = CaptureSettings.binlog("ret", connection(), List.of(database + ".accounts"), workDir,
                serverId).withSnapshotMode("no_data");

        streamOneChangeAndStop(settings);
        assertThat(LogRetention.check(settings)).isEmpty();

        execute("insert into accounts values (2, 'made before the purge')");
        execute("flush binary logs");
        String newest = query("show master status");
        // A binlog still open for a replica (the stopped engine's connection lingers a moment) is kept: retry.
        await().atMost(TIMEOUT).until(() -> {
            execute("purge binary logs to '" + newest + "'");
            return query("show binary logs").equals(newest);
        });

        assertThat(LogRetention.check(settings)).hasValueSatisfying(g -> {
            assertThat(g.what()).startsWith("the binlog holding it has been purged: the oldest binlog on the server, "
                    + newest + ", starts after GTID ");
            assertThat(g.position()).startsWith("GTID ");
        });

        // Started anyway, the server refuses the position (error 1236): recognised, and nothing streams.
        assertThat(startedAnywayFailsOnTheGap(settings).changes()).noneMatch(c -> Objects.equals(id(c), 2));
    }

    // ------------------------------------------------------------------ helpers

    /** Starts capture, sees row 1 inserted while it streams, and stops it: the offsets now point past row 1. */
    private void streamOneChangeAndStop(CaptureSettings settings) throws Exception {
        RecordingSink sink = new RecordingSink();
        CaptureEngine engine = start(settings, sink);
        await().atMost(TIMEOUT).until(() -> engine.state() == EngineState.RUNNING
                && StreamingStatus.connected(settings.env()).orElse(false));
        execute("insert into accounts values (1, 'seen')");
        await().atMost(TIMEOUT).until(() -> sink.changes().stream().anyMatch(c -> Objects.equals(id(c), 1)));
        engine.close();
        assertThat(engine.state()).isEqualTo(EngineState.STOPPED);
        assertThat(StoredOffset.read(workDir)).isPresent();
    }

    /** Starts an engine on a position that is gone: it must fail, say so ({@link CaptureEngine#logGone}), no secret. */
    private RecordingSink startedAnywayFailsOnTheGap(CaptureSettings settings) {
        RecordingSink sink = new RecordingSink();
        CaptureEngine engine = start(settings, sink);
        await().atMost(TIMEOUT).until(() -> engine.state() == EngineState.FAILED);
        String error = engine.lastError().orElseThrow();
        assertThat(engine.logGone()).as(error).isPresent();
        assertThat(error).doesNotContain(db.password());
        return sink;
    }

    private CaptureEngine start(CaptureSettings settings, ChangeSink sink) {
        CaptureEngine engine = new CaptureEngine(settings, sink, null);
        engines.add(engine);
        engine.start();
        return engine;
    }

    private ConnectionSettings connection() {
        return new ConnectionSettings(db.dialect(), db.host(), db.port(), database, db.user(), Secret.of(db.password()));
    }

    private static Object id(RowChange c) {
        Map<String, Object> row = c.current();
        return row == null ? null : row.get("id");
    }

    private void execute(String... statements) throws SQLException {
        try (Connection c = db.connect(database); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private String query(String sql) throws SQLException {
        try (Connection c = db.connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
