package io.accountsync.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.accountsync.connect.Secret;
import io.accountsync.model.RowChange;
import io.accountsync.testsupport.DbInstance;
import io.accountsync.testsupport.TestDatabases;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaptureEngineMariaDbIT extends AbstractCaptureEngineIT {

    // Replica ids must be unique among the server's replicas; parallel test runs share the server.
    private final long serverId = 100_000 + RANDOM.nextInt(1_000_000_000);

    @Override
    DbInstance instance() {
        return TestDatabases.mariadb();
    }

    @Override
    String table() {
        return database + ".accounts";
    }

    @Override
    List<String> accountsDdl() {
        return List.of("create table accounts (id int primary key, name varchar(100))");
    }

    @Override
    CaptureSettings settings(Secret password) {
        return CaptureSettings.binlog(env, connection(password), List.of(table()), workDir, serverId);
    }

    @Override
    String authenticationFailure() {
        return "Access denied for user '" + db.user() + "'";
    }

    @Test
    void shouldCaptureSnapshotAndChangesAsPlainJavaValuesWithTheWritersTxId() throws Exception {
        execute("create table typed (id int primary key, name varchar(100), email text, active boolean,"
                        + " logins smallint, karma bigint, balance decimal(10,2), created datetime(6),"
                        + " touched timestamp(6) null, birthday date, avatar varbinary(16), wakeup time)",
                "set time_zone = '+00:00'",
                "insert into typed values (1, 'Ann', 'ann@example.org', true, 3, 5000000000, 12.50,"
                        + " '2024-01-02 03:04:05.123456', '2024-01-02 01:04:05.123456', '1990-05-06',"
                        + " x'0102ff', '07:30:00')");
        RecordingSink sink = new RecordingSink();
        Instant started = Instant.now();
        start(CaptureSettings.binlog(env, connection(password()), List.of(database + ".typed"), workDir, serverId), sink);

        RowChange read = awaitChange(sink, RowChange.Op.READ, 1);
        assertThat(read.env()).isEqualTo(env);
        assertThat(read.table()).isEqualTo(database + ".typed");
        assertThat(read.before()).isNull();
        Map<String, Object> ann = read.after();
        assertThat(ann).containsEntry("id", 1).containsEntry("name", "Ann").containsEntry("email", "ann@example.org")
                .containsEntry("logins", (short) 3).containsEntry("karma", 5_000_000_000L)
                .containsEntry("balance", "12.50")
                .containsEntry("created", Instant.parse("2024-01-02T03:04:05.123456Z"))
                .containsEntry("touched", Instant.parse("2024-01-02T01:04:05.123456Z"))
                .containsEntry("birthday", LocalDate.of(1990, 5, 6))
                .containsEntry("wakeup", LocalTime.of(7, 30));
        assertThat(ann.get("active")).isIn(true, (short) 1); // BOOLEAN is TINYINT(1) in MariaDB
        assertThat((byte[]) ann.get("avatar")).containsExactly(1, 2, 0xff);

        String insertTx = commit("insert into typed (id, name, balance, touched) values (2, 'Bob', 0.5, now(6))");
        String updateTx = commit("update typed set name = 'Bobby', balance = 1.25 where id = 2");
        String deleteTx = commit("delete from typed where id = 1");

        RowChange created = awaitChange(sink, RowChange.Op.CREATE, 2);
        RowChange updated = awaitChange(sink, RowChange.Op.UPDATE, 2);
        RowChange deleted = awaitChange(sink, RowChange.Op.DELETE, 1);

        assertThat(insertTx).matches("\\d+-\\d+-\\d+");
        assertThat(created.txId()).isEqualTo(insertTx);
        assertThat(created.before()).isNull();
        assertThat(created.after()).containsEntry("id", 2).containsEntry("name", "Bob").containsEntry("balance", "0.50")
                .containsEntry("active", null).containsEntry("avatar", null);
        assertThat(created.after().get("touched")).isInstanceOf(Instant.class);
        assertThat(created.commitTime()).isBetween(started.minus(1, ChronoUnit.MINUTES), Instant.now());
        assertThat(created.position()).startsWith(insertTx + " ").matches(".+ .+:\\d+");

        assertThat(updated.txId()).isEqualTo(updateTx);
        assertThat(updated.before()).containsEntry("name", "Bob").containsEntry("balance", "0.50");
        assertThat(updated.after()).containsEntry("name", "Bobby").containsEntry("balance", "1.25");

        assertThat(deleted.txId()).isEqualTo(deleteTx);
        assertThat(deleted.after()).isNull();
        assertThat(deleted.before()).containsEntry("name", "Ann").containsEntry("birthday", LocalDate.of(1990, 5, 6));

        assertThat(sink.streamed()).extracting(RowChange::op)
                .containsExactly(RowChange.Op.CREATE, RowChange.Op.UPDATE, RowChange.Op.DELETE);
    }

    @Test
    void shouldMarkTheTransactionsWhoseStatementsCarryAccountsyncsTag() throws Exception {
        execute("insert into accounts values (0, 'Zed')");
        RecordingSink sink = new RecordingSink();
        start(settings(password()), sink);
        awaitChange(sink, RowChange.Op.READ, 0);   // streaming from here on
        String ours = commit(TransactionIds.TAG + "insert into accounts values (1, 'Ann')");
        String theirs = commit("/* accountsync */ insert into accounts values (2, 'Bob')");

        RowChange own = awaitChange(sink, RowChange.Op.CREATE, 1);
        RowChange user = awaitChange(sink, RowChange.Op.CREATE, 2);

        // The GTID alone is recorded only after COMMIT; the tag marks the echo even if that never happens (a crash).
        assertThat(own.txId()).isEqualTo(ours + TransactionIds.OWN_MARK);
        assertThat(TransactionIds.isTagged(own.txId())).isTrue();
        assertThat(user.txId()).isEqualTo(theirs);
        assertThat(TransactionIds.isTagged(user.txId())).isFalse();
    }
}
