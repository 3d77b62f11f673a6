package io.accountsync.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.accountsync.connect.Secret;
import io.accountsync.model.Dialect;
import io.accountsync.model.RowChange;
import io.accountsync.testsupport.DbInstance;
import io.accountsync.testsupport.TestDatabases;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CaptureEnginePostgresIT extends AbstractCaptureEngineIT {

    @Override
    DbInstance instance() {
        return TestDatabases.pg1();
    }

    @Override
    String table() {
        return "public.accounts";
    }

    @Override
    List<String> accountsDdl() {
        return List.of(
                "create table accounts (id int primary key, name varchar(100))",
                "alter table accounts replica identity full");
    }

    @Override
    CaptureSettings settings(Secret password) {
        return new CaptureSettings(env, connection(password), List.of(table()), workDir, 0, slot(), slot(), null, Map.of());
    }

    @Override
    String authenticationFailure() {
        return "password authentication failed for user \"" + db.user() + "\"";
    }

    private String slot() {
        return "cap_" + database;
    }

    @Override
    void cleanUpServer() throws SQLException {
        // dropDatabase drops the database's slots too; dropping ours here checks it was not left active.
        try (Connection c = db.connect(db.adminDatabase());
             PreparedStatement ps = c.prepareStatement(
                     "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = ?")) {
            ps.setString(1, slot());
            for (int attempt = 0; ; attempt++) {
                try {
                    ps.executeQuery().close();
                    return;
                } catch (SQLException stillActive) {
                    if (attempt == 50) {
                        throw stillActive;
                    }
                    sleep(100);
                }
            }
        }
    }

    @Test
    void shouldCaptureSnapshotAndChangesAsPlainJavaValuesWithTheWritersTxId() throws Exception {
        execute("create table typed (id int primary key, name varchar(100), email text, active boolean,"
                        + " logins smallint, karma bigint, balance numeric(10,2), created timestamp(6),"
                        + " touched timestamptz, birthday date, avatar bytea, wakeup time)",
                "alter table typed replica identity full",
                "insert into typed values (1, 'Ann', 'ann@example.org', true, 3, 5000000000, 12.50,"
                        + " '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456+02', '1990-05-06',"
                        + " '\\x0102ff', '07:30:00')");
        RecordingSink sink = new RecordingSink();
        Instant started = Instant.now();
        start(new CaptureSettings(env, connection(password()), List.of("public.typed"), workDir, 0, slot(), slot(),
                null, Map.of()), sink);

        RowChange read = awaitChange(sink, RowChange.Op.READ, 1);
        assertThat(read.env()).isEqualTo(env);
        assertThat(read.table()).isEqualTo("public.typed");
        assertThat(read.before()).isNull();
        Map<String, Object> ann = read.after();
        assertThat(ann).containsEntry("id", 1).containsEntry("name", "Ann").containsEntry("email", "ann@example.org")
                .containsEntry("active", true).containsEntry("logins", (short) 3).containsEntry("karma", 5_000_000_000L)
                .containsEntry("balance", "12.50")
                .containsEntry("created", Instant.parse("2024-01-02T03:04:05.123456Z"))
                .containsEntry("touched", Instant.parse("2024-01-02T01:04:05.123456Z"))
                .containsEntry("birthday", LocalDate.of(1990, 5, 6))
                .containsEntry("wakeup", LocalTime.of(7, 30));
        assertThat((byte[]) ann.get("avatar")).containsExactly(1, 2, 0xff);
        assertThat(read.position()).startsWith("lsn=");

        String insertTx;
        String pgCurrentXactId;
        try (Connection c = db.connect(database)) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("insert into typed (id, name, balance, touched) values (2, 'Bob', 0.5, now())");
            }
            insertTx = TransactionIds.read(c, Dialect.POSTGRESQL);
            pgCurrentXactId = single(c, "select pg_current_xact_id()::xid::text");
            c.commit();
        }
        String updateTx = commit("update typed set name = 'Bobby', balance = 1.25 where id = 2");
        String deleteTx = commit("delete from typed where id = 1");

        RowChange created = awaitChange(sink, RowChange.Op.CREATE, 2);
        RowChange updated = awaitChange(sink, RowChange.Op.UPDATE, 2);
        RowChange deleted = awaitChange(sink, RowChange.Op.DELETE, 1);

        assertThat(created.txId()).isEqualTo(insertTx).isEqualTo(pgCurrentXactId)
                .isEqualTo(new BigInteger(insertTx).toString()); // a plain decimal string
        assertThat(created.before()).isNull();
        assertThat(created.after()).containsEntry("id", 2).containsEntry("name", "Bob").containsEntry("balance", "0.50")
                .containsEntry("active", null).containsEntry("avatar", null);
        assertThat(created.after().get("touched")).isInstanceOf(Instant.class);
        assertThat(created.commitTime()).isBetween(started.minus(1, ChronoUnit.MINUTES), Instant.now());
        assertThat(created.position()).matches("lsn=\\d+");

        assertThat(updated.txId()).isEqualTo(updateTx);
        assertThat(updated.before()).containsEntry("name", "Bob").containsEntry("balance", "0.50");
        assertThat(updated.after()).containsEntry("name", "Bobby").containsEntry("balance", "1.25");

        assertThat(deleted.txId()).isEqualTo(deleteTx);
        assertThat(deleted.after()).isNull();
        assertThat(deleted.before()).containsEntry("name", "Ann").containsEntry("birthday", LocalDate.of(1990, 5, 6));
        assertThat((byte[]) deleted.before().get("avatar")).containsExactly(1, 2, 0xff);

        // Source order: the sink saw the three transactions in commit order.
        List<RowChange> streamed = sink.streamed();
        assertThat(streamed).extracting(RowChange::op)
                .containsExactly(RowChange.Op.CREATE, RowChange.Op.UPDATE, RowChange.Op.DELETE);
    }

    @Test
    void shouldFinishTheBatchInFlightAndKeepItsOffsetWhenTheSinkClosesTheEngine() throws Exception {
        execute("insert into accounts (id, name) values (1, 'ann')");
        AtomicReference<CaptureEngine> engine = new AtomicReference<>();
        List<RowChange> accepted = new CopyOnWriteArrayList<>();
        ChangeSink closing = batch -> {
            engine.get().close(); // from the engine's own thread: must not wait for itself
            Thread.sleep(200);
            accepted.addAll(batch);
        };
        engine.set(start(settings(password()), closing));

        await().atMost(TIMEOUT).until(() -> engine.get().state() == EngineState.STOPPED);
        assertThat(accepted).extracting(RowChange::op).containsExactly(RowChange.Op.READ);

        execute("insert into accounts (id, name) values (2, 'bob')");
        RecordingSink second = new RecordingSink();
        start(settings(password()), second);
        awaitChange(second, RowChange.Op.CREATE, 2);
        assertThat(second.changes()).noneMatch(c -> c.op() == RowChange.Op.READ); // the closing batch was committed
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
