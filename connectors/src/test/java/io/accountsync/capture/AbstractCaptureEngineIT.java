package io.accountsync.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.accountsync.connect.ConnectionSettings;
import io.accountsync.connect.Secret;
import io.accountsync.model.Dialect;
import io.accountsync.model.RowChange;
import io.accountsync.testsupport.DbInstance;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every dialect's capture must show, against the private databases: nothing lost across a stop, a
 * failing sink, and a failing login that reveals no password. Subclasses add the dialect's value types and txIds.
 */
abstract class AbstractCaptureEngineIT {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path workDir;

    DbInstance db;
    String database;
    final String env = "cap" + Long.toString(RANDOM.nextLong() & 0xffffff, 36);
    final List<CaptureEngine> engines = new ArrayList<>();
    final List<String> transitions = new CopyOnWriteArrayList<>();

    /** The private instance to test against. */
    abstract DbInstance instance();

    /** The captured table's name as RowChange reports it. */
    abstract String table();

    /** DDL for {@code accounts(id int primary key, name varchar(100))}, plus what capture needs of it. */
    abstract List<String> accountsDdl();

    /** Settings for this env's capture of {@link #table()}, with {@code password}. */
    abstract CaptureSettings settings(Secret password);

    /** What the database says about a wrong password, as lastError must still show it. */
    abstract String authenticationFailure();

    /** Drops what capture left on the server (PostgreSQL: the slot). */
    void cleanUpServer() throws SQLException {
    }

    @BeforeEach
    void createDatabase() throws SQLException {
        db = instance();
        database = db.createDatabase("cap");
        execute(accountsDdl().toArray(String[]::new));
    }

    @AfterEach
    void cleanUp() throws SQLException {
        engines.forEach(CaptureEngine::close);
        if (database != null) { // null when the database was unreachable and the test skipped
            cleanUpServer();
            db.dropDatabase(database);
        }
    }

    // ------------------------------------------------------------------ the tests every dialect passes

    @Test
    void shouldDeliverChangesCommittedWhileStoppedAfterARestart() throws Exception {
        execute("insert into accounts (id, name) values (1, 'ann')");
        RecordingSink first = new RecordingSink();
        CaptureEngine engine;
        try (CapturedLogs logs = CapturedLogs.capture("io.debezium", "org.apache.kafka")) {
            engine = start(settings(password()), first);
            awaitChange(first, RowChange.Op.READ, 1);
            execute("insert into accounts (id, name) values (2, 'bob')");
            awaitChange(first, RowChange.Op.CREATE, 2);
            engine.close();

            // Debezium logs its whole configuration at DEBUG: the filter must have hidden the password.
            assertThat(logs.linesContaining(db.password())).isEmpty();
            assertThat(logs.linesContaining("database.password=" + Secret.HIDDEN)).isNotEmpty();
        }
        assertThat(engine.state()).isEqualTo(EngineState.STOPPED);
        assertThat(transitions).containsExactly(
                env + " CREATED->STARTING", env + " STARTING->RUNNING", env + " RUNNING->STOPPING",
                env + " STOPPING->STOPPED");
        assertThat(first.threadName()).isEqualTo("capture-" + env + "-poll");

        String txWhileStopped = commit("insert into accounts (id, name) values (3, 'cyd')",
                "update accounts set name = 'anne' where id = 1");

        RecordingSink second = new RecordingSink();
        start(settings(password()), second);
        awaitChange(second, RowChange.Op.CREATE, 3);
        awaitChange(second, RowChange.Op.UPDATE, 1);
        assertThat(second.changes()).noneMatch(c -> c.op() == RowChange.Op.READ); // resumed, not snapshotted again
        RowChange created = change(second, RowChange.Op.CREATE, 3).orElseThrow();
        RowChange updated = change(second, RowChange.Op.UPDATE, 1).orElseThrow();
        assertThat(created.txId()).isEqualTo(txWhileStopped);
        assertThat(updated.txId()).isEqualTo(txWhileStopped);
        assertThat(updated.before()).containsEntry("name", "ann");
        assertThat(updated.after()).containsEntry("name", "anne");
    }

    @Test
    void shouldFailWhenTheSinkThrowsAndDeliverTheBatchAgainAfterARestart() throws Exception {
        execute("insert into accounts (id, name) values (1, 'ann')");
        RecordingSink failing = new RecordingSink();
        failing.failWhen(batch -> batch.stream().anyMatch(c -> Objects.equals(id(c), 2)));
        CaptureEngine engine = start(settings(password()), failing);
        awaitChange(failing, RowChange.Op.READ, 1);

        String tx = commit("insert into accounts (id, name) values (2, 'bob')");
        await().atMost(TIMEOUT).until(() -> engine.state() == EngineState.FAILED);
        assertThat(engine.lastError()).hasValueSatisfying(e -> assertThat(e)
                .startsWith("sink failed: IllegalStateException: sink refused a batch of"));
        assertThat(transitions).last().asString().startsWith(env + " RUNNING->FAILED");
        assertThat(failing.changes()).noneMatch(c -> Objects.equals(id(c), 2));
        assertThatCode(engine::close).doesNotThrowAnyException();
        assertThatCode(engine::close).doesNotThrowAnyException();
        assertThat(engine.state()).isEqualTo(EngineState.FAILED);

        RecordingSink second = new RecordingSink();
        start(settings(password()), second);
        awaitChange(second, RowChange.Op.CREATE, 2);
        assertThat(change(second, RowChange.Op.CREATE, 2)).hasValueSatisfying(c -> assertThat(c.txId()).isEqualTo(tx));
        assertThat(second.changes()).noneMatch(c -> c.op() == RowChange.Op.READ);
    }

    @Test
    void shouldDeliverEachTransactionWholeWhenItSpansSeveralPolls() throws Exception {
        execute("insert into accounts (id, name) values (1, 'ann')");
        RecordingSink sink = new RecordingSink();
        // Debezium hands over at most two records per poll: every transaction below spans several polls, as a
        // larger one does at the default size when a poll comes while the connector is still queueing its rows.
        start(settings(password()).withDebezium(Map.of("max.batch.size", "2")), sink);
        awaitChange(sink, RowChange.Op.READ, 1);

        String inserts = commit("insert into accounts (id, name) values (2, 'bob')",
                "insert into accounts (id, name) values (3, 'cyd')", "insert into accounts (id, name) values (4, 'dan')",
                "insert into accounts (id, name) values (5, 'eve')", "insert into accounts (id, name) values (6, 'fay')");
        String updates = commit("update accounts set name = 'anne' where id = 1",
                "update accounts set name = 'bobby' where id = 2", "delete from accounts where id = 3");
        String single = commit("update accounts set name = 'dana' where id = 4");
        awaitChange(sink, RowChange.Op.UPDATE, 4);

        assertThat(sink.streamed()).extracting(RowChange::txId)
                .containsExactly(inserts, inserts, inserts, inserts, inserts, updates, updates, updates, single);
        for (String tx : List.of(inserts, updates, single)) {
            assertThat(sink.batches()).as("batches holding transaction %s: %s", tx, sink.batches())
                    .filteredOn(b -> b.stream().anyMatch(c -> tx.equals(c.txId()))).hasSize(1);
        }
    }

    @Test
    void shouldFailOnAWrongPasswordWithoutRevealingIt() throws Exception {
        String wrong = "Wr0ng-Pa55-" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
        List<String> reasons = new CopyOnWriteArrayList<>();
        CaptureEngine engine;
        try (CapturedLogs logs = CapturedLogs.capture("io.debezium", "org.apache.kafka", "io.accountsync")) {
            engine = new CaptureEngine(settings(Secret.of(wrong)), new RecordingSink(),
                    (e, from, to, reason) -> reasons.add(reason));
            engines.add(engine);
            engine.start();
            await().atMost(TIMEOUT).until(() -> engine.state() == EngineState.FAILED);
            assertThatCode(engine::close).doesNotThrowAnyException();
            assertThatCode(engine::close).doesNotThrowAnyException();

            assertThat(logs.lines()).isNotEmpty();
            assertThat(logs.linesContaining(wrong)).isEmpty();
        }
        assertThat(engine.state()).isEqualTo(EngineState.FAILED);
        assertThat(engine.lastError()).hasValueSatisfying(e -> assertThat(e)
                .contains(authenticationFailure())
                .doesNotContain(wrong)
                .hasSizeLessThanOrEqualTo(ErrorMessages.MAX_LENGTH));
        assertThat(reasons).isNotEmpty().noneMatch(r -> r.contains(wrong));
        assertThat(reasons).last().isEqualTo(engine.lastError().orElseThrow());
    }

    @Test
    void shouldStopCleanlyWhenClosedWhileStarting() throws Exception {
        execute("insert into accounts (id, name) values (1, 'ann')");
        for (long delay : new long[] {0, 30, 150}) {
            CaptureEngine engine = start(settings(password()), new RecordingSink());
            Thread.sleep(delay);

            assertThatCode(engine::close).doesNotThrowAnyException();

            assertThat(engine.state()).as("closed %d ms after start", delay).isEqualTo(EngineState.STOPPED);
            assertThat(engine.lastError()).isEmpty();
            assertThat(engine.awaitTermination(Duration.ZERO)).isTrue();
        }
    }

    // ------------------------------------------------------------------ helpers

    Secret password() {
        return Secret.of(db.password());
    }

    ConnectionSettings connection(Secret password) {
        return new ConnectionSettings(db.dialect(), db.host(), db.port(), database, db.user(), password);
    }

    CaptureEngine start(CaptureSettings settings, ChangeSink sink) {
        CaptureEngine engine = new CaptureEngine(settings, sink, (e, from, to, reason) -> transitions.add(e + " " + from + "->" + to));
        engines.add(engine);
        engine.start();
        return engine;
    }

    void execute(String... statements) throws SQLException {
        try (Connection c = db.connect(database); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    /**
     * Runs the statements in one transaction and returns its id the way accountsync learns it: with
     * {@link TransactionIds} inside the transaction (PostgreSQL) or right after COMMIT (MariaDB).
     */
    String commit(String... statements) throws SQLException {
        Dialect dialect = db.dialect();
        try (Connection c = db.connect(database)) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                for (String sql : statements) {
                    st.execute(sql);
                }
            }
            String txId = TransactionIds.readAfterCommit(dialect) ? null : TransactionIds.read(c, dialect);
            c.commit();
            if (TransactionIds.readAfterCommit(dialect)) {
                txId = TransactionIds.read(c, dialect);
            }
            assertThat(txId).as("own transaction id").isNotBlank();
            return txId;
        }
    }

    static Object id(RowChange c) {
        Map<String, Object> row = c.current();
        return row == null ? null : row.get("id");
    }

    static Optional<RowChange> change(RecordingSink sink, RowChange.Op op, int id) {
        return sink.changes().stream().filter(c -> c.op() == op && Objects.equals(id(c), id)).findFirst();
    }

    static RowChange awaitChange(RecordingSink sink, RowChange.Op op, int id) {
        await().atMost(TIMEOUT).until(() -> change(sink, op, id).isPresent());
        return change(sink, op, id).orElseThrow();
    }
}
